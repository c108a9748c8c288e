namespace Community.Web.Infrastructure;

/// <summary>
/// Whether people are writing hard right now (a burst of replies, say), so background work that may wait (webhook deliveries) steps
/// aside instead of competing for the CPU and the database with requests someone is waiting on. Counts API writes in flight on this
/// server; "busy" holds for a moment after the count last reached <see cref="BusyAt"/>, so the gaps between one client's requests do
/// not read as quiet.
/// </summary>
public sealed class ForegroundLoad
{
    /// <summary>Concurrent API writes from which the server counts as busy (a few people posting at once are not a burst).</summary>
    public const int BusyAt = 4;

    private const long HoldMilliseconds = 250;
    private int _writes;
    private long _busyAt = long.MinValue / 2;

    public bool IsBusy => Environment.TickCount64 - Interlocked.Read(ref _busyAt) < HoldMilliseconds;

    internal void Enter()
    {
        if (Interlocked.Increment(ref _writes) >= BusyAt) Interlocked.Exchange(ref _busyAt, Environment.TickCount64);
    }

    internal void Exit() => Interlocked.Decrement(ref _writes);
}

public static class ForegroundLoadSetup
{
    public static IApplicationBuilder UseForegroundLoad(this IApplicationBuilder app)
    {
        var load = app.ApplicationServices.GetRequiredService<ForegroundLoad>();
        return app.Use(async (context, next) =>
        {
            var method = context.Request.Method;
            if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
                || !context.Request.Path.StartsWithSegments("/api"))
            {
                await next(context);
                return;
            }
            load.Enter();
            try { await next(context); }
            finally { load.Exit(); }
        });
    }
}
