using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Community.Web.Features.Recognition;

/// <summary>
/// Where the activity listener leaves members to look at (trust level, and badges when their activity can earn one) a moment later,
/// coalesced: a member who replies twenty times in two seconds is looked at once, not twenty times, so a busy poster costs the
/// database little. The delay also lets the write that reported the activity commit first (the feed may hand a report over before
/// then). Per server and in memory: a look lost to a restart or a full queue is made good by the daily pass.
/// </summary>
public sealed partial class RecognitionRecheck(IServiceScopeFactory scopes, ILogger<RecognitionRecheck> log) : BackgroundService
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);
    private const int BatchSize = 500;

    // Member → whether their pending activity can earn a badge (a visit only moves the trust level).
    private readonly ConcurrentDictionary<string, bool> _pending = new(StringComparer.Ordinal);
    private readonly Channel<(string Member, DateTime Due)> _queue = Channel.CreateBounded<(string, DateTime)>(
        new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    public void Soon(IEnumerable<string> members, bool earning)
    {
        // Real time, not the injected clock: this waits for another transaction to commit, which tests do not fake.
        var due = DateTime.UtcNow + Delay;
        foreach (var member in members)
        {
            var added = _pending.TryAdd(member, earning);
            if (!added && earning) _pending[member] = true;
            if (added && !_queue.Writer.TryWrite((member, due))) _pending.TryRemove(member, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var batch = new List<string>();
                while (batch.Count < BatchSize && reader.TryPeek(out var next))
                {
                    var wait = next.Due - DateTime.UtcNow;
                    if (wait > TimeSpan.Zero)
                    {
                        if (batch.Count > 0) break;
                        await Task.Delay(wait, stoppingToken);
                    }
                    if (reader.TryRead(out var item)) batch.Add(item.Member);
                }
                if (batch.Count > 0) await LookAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task LookAsync(List<string> members, CancellationToken ct)
    {
        // Taken out of the pending set first: activity from now on queues the member again.
        var earning = members.Where(m => _pending.TryRemove(m, out var e) && e).ToList();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TrustRecompute>().RecomputeAsync(members, ct);
            if (earning.Count > 0) await scope.ServiceProvider.GetRequiredService<BadgeRules>().ApplyAsync(earning, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogFailed(log, e, members.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recognition's look at {Count} members failed (the daily pass makes it good)")]
    private static partial void LogFailed(ILogger logger, Exception error, int count);
}
