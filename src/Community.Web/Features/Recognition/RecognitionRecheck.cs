using System.Threading.Channels;

namespace Community.Web.Features.Recognition;

/// <summary>
/// A second look at members a few seconds after their activity was handled. The activity feed may hand a report to the listener
/// before the write that made it has committed (a busy database, a slow transaction): the listener then sees nothing new, and
/// without this the badge (a first post, say) would wait for the member's next activity or the daily pass. Idempotent like the
/// listener; a member is looked at again once per report, never in a loop. Per server and in memory: a look lost to a restart is
/// made good by the daily pass.
/// </summary>
public sealed partial class RecognitionRecheck(IServiceScopeFactory scopes, ILogger<RecognitionRecheck> log) : BackgroundService
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(3);

    private readonly Channel<(string Member, DateTime Due)> _queue = Channel.CreateBounded<(string, DateTime)>(
        new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    public void Later(IEnumerable<string> members)
    {
        // Real time, not the injected clock: this waits for another transaction, which tests do not fake.
        var due = DateTime.UtcNow + Delay;
        foreach (var member in members) _queue.Writer.TryWrite((member, due));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var batch = new HashSet<string>(StringComparer.Ordinal);
                while (batch.Count < 500 && reader.TryPeek(out var next))
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

    private async Task LookAsync(HashSet<string> members, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TrustRecompute>().RecomputeAsync(members, ct);
            await scope.ServiceProvider.GetRequiredService<BadgeRules>().ApplyAsync(members, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogFailed(log, e, members.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recognition's second look at {Count} members failed (the daily pass makes it good)")]
    private static partial void LogFailed(ILogger logger, Exception error, int count);
}
