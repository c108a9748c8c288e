using Community.Web.Infrastructure.Activity;
using Community.Web.Infrastructure.Jobs;

namespace Community.Web.Features.Lifecycle;

/// <summary>Moves the members whose activity was just reported (joined, posted, voted, referred…), in the background.</summary>
internal sealed class LifecycleActivityHandler(StageEngine engine) : IMemberActivityHandler
{
    public Task HandleAsync(IReadOnlyList<MemberActivity> batch, CancellationToken ct) =>
        engine.RecomputeAsync(batch.Select(a => a.MemberId).Distinct(StringComparer.Ordinal).ToList(), ct);
}

/// <summary>
/// The daily pass over every member: silence moves members to At risk and Dormant (no report announces silence), and whatever a lost
/// activity report missed is made good. One server at a time, by the job lease.
/// </summary>
internal sealed partial class StageRecomputation(IServiceScopeFactory scopes, JobLeases leases, LifecycleOptions options,
    ILogger<StageRecomputation> logger) : BackgroundService
{
    public const string Job = "lifecycle.stages";

    private TimeSpan Every => TimeSpan.FromHours(Math.Max(0.01, options.RecomputeHours));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, options.RecomputeStartDelaySeconds)), stoppingToken);
            using var timer = new PeriodicTimer(Every);
            do
            {
                try { await RunOnceAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException) { LogFailed(logger, e); }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try { await leases.ReleaseAsync(Job, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException) { LogFailed(logger, e); }
    }

    /// <summary>One pass when this server holds the job (the number of stage changes), else null.</summary>
    public async Task<int?> RunOnceAsync(CancellationToken ct)
    {
        // The lease outlasts a slow pass on a big community; the next holder would only redo idempotent work.
        if (!await leases.TryHoldAsync(Job, TimeSpan.FromMinutes(30), ct)) return null;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var changed = await scope.ServiceProvider.GetRequiredService<StageEngine>().RecomputeAsync(null, ct);
        var milliseconds = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogPass(logger, changed, milliseconds);
        return changed;
    }

    // The bench reads this line for the pass's duration: keep its wording.
    [LoggerMessage(Level = LogLevel.Information, Message = "Lifecycle stages recomputed: {Count} changed in {Milliseconds} ms")]
    private static partial void LogPass(ILogger logger, int count, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recomputing lifecycle stages failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
