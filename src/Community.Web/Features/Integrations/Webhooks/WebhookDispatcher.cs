using Community.Web.Data;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>Wakes the fan-out loop when this process records an event (every reply, thread, referral does), instead of waiting for
/// its next poll. Only that loop: the delivering loops wake when fan-out (or an admin) made deliveries, on <see cref="WebhookSignal"/>,
/// so a busy forum with no endpoint costs one fan-out query per burst, not five.</summary>
public sealed class WebhookEventSignal
{
    public WebhookSignal Inner { get; } = new();

    public void Pulse() => Inner.Pulse();
}

/// <summary>Wakes the dispatcher's delivering loops when this process adds deliveries (fan-out, a redelivery, a test event, an endpoint
/// enabled again), instead of waiting for their next poll.</summary>
public sealed class WebhookSignal
{
    private TaskCompletionSource _next = New();
    private long _pulsedAt;

    public void Pulse()
    {
        Volatile.Write(ref _pulsedAt, Environment.TickCount64);
        Interlocked.Exchange(ref _next, New()).TrySetResult();
    }

    /// <summary>True for a moment after a pulse. Events are added before their transaction commits, so the first look after a
    /// pulse may come too early; while this holds the dispatcher looks again every few milliseconds.</summary>
    public bool RecentlyPulsed => Environment.TickCount64 - Volatile.Read(ref _pulsedAt) < 2000;

    /// <summary>Returns at the next pulse (every waiting loop wakes) or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try { await Volatile.Read(ref _next).Task.WaitAsync(timeout, ct); }
        catch (TimeoutException) { /* time to poll */ }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The background worker for webhooks out: fans new outbox events out into deliveries and sends the due ones, batch after batch
/// while there is work, then sleeps until woken or until the next poll (which also finds work written by other servers and retries
/// coming due). Everything it does is in the database, so a restart or a crash loses nothing.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes, WebhookDeliveryPass deliveries, WebhookSignal signal, WebhookEventSignal events, WebhookOptions options,
    TimeProvider clock, Infrastructure.ForegroundLoad foreground,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // One loop fans events out; several deliver, so one batch's database work overlaps another's HTTP requests.
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Workers)).Select(_ => LoopAsync(DeliverAsync, signal, stoppingToken))
            .Append(LoopAsync(FanOutAsync, events.Inner, stoppingToken)));

    private async Task LoopAsync(Func<CancellationToken, Task<bool>> work, WebhookSignal signal, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var idle = TimeSpan.FromMilliseconds(Math.Max(10, options.PollMilliseconds));
        var eager = TimeSpan.FromMilliseconds(Math.Min(20, idle.TotalMilliseconds));
        var yieldedSince = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Deliveries are asynchronous by contract; the replies of a burst are not. While people are writing hard this loop
            // steps aside (nothing is lost: the work stays in the database), for the first MaxYield of a burst only, so a long one
            // cannot starve the receivers.
            if (!foreground.IsBusy) yieldedSince = 0;
            else if (yieldedSince == 0) yieldedSince = Environment.TickCount64;
            if (yieldedSince != 0 && Environment.TickCount64 - yieldedSince < options.MaxYieldMilliseconds)
            {
                try { await Task.Delay(YieldStep, stoppingToken); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            var worked = false;
            try
            {
                worked = await work(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogDispatchFailed(logger, ex);
            }
            if (worked) continue;
            try { await signal.WaitAsync(signal.RecentlyPulsed ? eager : idle, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private static readonly TimeSpan YieldStep = TimeSpan.FromMilliseconds(50);
    private DateTime _purgedAt = DateTime.MinValue;

    internal async Task<bool> FanOutAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - _purgedAt >= TimeSpan.FromHours(1))
        {
            _purgedAt = now; // the fan-out loop is one per server: no other caller races this field
            await WebhookRetention.RunAsync(db, now, options.RetentionDays, ct);
        }
        if (await WebhookFanout.RunAsync(db, now, ct) == 0) return false;
        signal.Pulse(); // new deliveries: wake the delivering loops
        return true;
    }

    internal async Task<bool> DeliverAsync(CancellationToken ct) => await deliveries.RunAsync(ct) > 0;

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook dispatch failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception ex);
}
