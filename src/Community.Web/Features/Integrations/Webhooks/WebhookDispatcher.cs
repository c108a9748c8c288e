using Community.Web.Data;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>Wakes the dispatcher when this process adds an event or a redelivery, instead of waiting for its next poll.</summary>
public sealed class WebhookSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private long _pulsedAt;

    public void Pulse()
    {
        Volatile.Write(ref _pulsedAt, Environment.TickCount64);
        if (_semaphore.CurrentCount > 0) return;
        try { _semaphore.Release(); } catch (SemaphoreFullException) { /* already pulsed */ }
    }

    /// <summary>True for a moment after a pulse. Events are added before their transaction commits, so the first look after a
    /// pulse may come too early; while this holds the dispatcher looks again every few milliseconds.</summary>
    public bool RecentlyPulsed => Environment.TickCount64 - Volatile.Read(ref _pulsedAt) < 2000;

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);

    public void Dispose() => _semaphore.Dispose();
}

/// <summary>
/// The background worker for webhooks out: fans new outbox events out into deliveries and sends the due ones, batch after batch
/// while there is work, then sleeps until woken or until the next poll (which also finds work written by other servers and retries
/// coming due). Everything it does is in the database, so a restart or a crash loses nothing.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes, WebhookDeliveryPass deliveries, WebhookSignal signal, WebhookOptions options, TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(Math.Max(10, options.PollMilliseconds));
        var eager = TimeSpan.FromMilliseconds(Math.Min(20, idle.TotalMilliseconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            var worked = false;
            try
            {
                worked = await RunOnceAsync(stoppingToken);
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

    /// <summary>One fan-out and one delivery batch; true when either found work (there may be more).</summary>
    internal async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        int fanned;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            fanned = await WebhookFanout.RunAsync(db, clock.GetUtcNow().UtcDateTime, ct);
        }
        var sent = await deliveries.RunAsync(ct);
        return fanned > 0 || sent > 0;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook dispatch failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception ex);
}
