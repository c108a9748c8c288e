using System.Threading.Channels;

namespace Community.Web.Infrastructure.Activity;

/// <summary>Something a member did (or had done to their work) that may move their lifecycle stage, earn a badge or change their
/// trust level. Only the kind and who: listeners read what they need from their own tables or through feature interfaces.</summary>
public enum ActivityKind
{
    Joined, ThreadStarted, Replied, AnswerAccepted, Voted, FlaggedAgainst, ReferredSignUp, ReferralConverted, Featured, IdeaShipped,
    Visited,
}

public sealed record MemberActivity(string MemberId, ActivityKind Kind, DateTime At)
{
    /// <summary>True when this is the feed's second look at a report (see <see cref="IMemberActivity"/>).</summary>
    public bool SecondLook { get; init; }
}

/// <summary>
/// Where features report member activity. Cheap and never blocking: the hot write paths (a reply) call it, so badges, stages and
/// trust levels must not add to their latency. Reports are handled in the background, a moment later; a report lost to a crash or a
/// full queue is made good by the listeners' daily recomputation, so a listener must be idempotent and derive its answer from
/// committed data. Features report from inside their write, so a report may be handled before that write commits: every report is
/// therefore handed to the listeners twice, a moment later and again two seconds after that.
/// </summary>
public interface IMemberActivity
{
    void Report(string memberId, ActivityKind kind, DateTime at);
}

/// <summary>A listener (badges, lifecycle stages, trust levels): gets batches of reports, in its own DI scope.</summary>
public interface IMemberActivityHandler
{
    Task HandleAsync(IReadOnlyList<MemberActivity> batch, CancellationToken ct);
}

/// <summary>The in-process queue behind <see cref="IMemberActivity"/>. Per server: each server handles what its own requests
/// reported; listeners write through unique keys, so two servers handling the same member never double anything.</summary>
internal sealed partial class MemberActivityFeed(IServiceScopeFactory scopes, ILogger<MemberActivityFeed> log) : BackgroundService, IMemberActivity
{
    private const int Capacity = 100_000;
    private const int BatchSize = 500;

    // Gives the reporting write a moment to commit before listeners read it (they are correct either way, see the interface).
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan SecondLookAfter = TimeSpan.FromSeconds(2);

    private readonly Channel<MemberActivity> _queue = Channel.CreateBounded<MemberActivity>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    public void Report(string memberId, ActivityKind kind, DateTime at)
    {
        if (!_queue.Writer.TryWrite(new MemberActivity(memberId, kind, at))) LogDropped(log, memberId, kind);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        List<MemberActivity> batch = new(BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(Settle, stoppingToken);
                while (batch.Count < BatchSize && reader.TryRead(out var item)) batch.Add(item);
                await DispatchAsync(batch, stoppingToken);
                LookAgainLater([.. batch.Where(a => !a.SecondLook).Select(a => a with { SecondLook = true })], stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private void LookAgainLater(MemberActivity[] again, CancellationToken ct)
    {
        if (again.Length == 0) return;
        _ = Task.Delay(SecondLookAfter, ct).ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) foreach (var a in again) _queue.Writer.TryWrite(a);
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task DispatchAsync(List<MemberActivity> batch, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        foreach (var handler in scope.ServiceProvider.GetServices<IMemberActivityHandler>())
        {
            try { await handler.HandleAsync(batch, ct); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogFailed(log, e, handler.GetType().Name, batch.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Member activity queue full: dropped {Kind} of {MemberId} (the daily pass makes it good)")]
    private static partial void LogDropped(ILogger logger, string memberId, ActivityKind kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Member activity listener {Handler} failed on a batch of {Count}")]
    private static partial void LogFailed(ILogger logger, Exception error, string handler, int count);
}

public static class MemberActivityRegistration
{
    public static IServiceCollection AddMemberActivity(this IServiceCollection services)
    {
        services.AddSingleton<MemberActivityFeed>();
        services.AddSingleton<IMemberActivity>(sp => sp.GetRequiredService<MemberActivityFeed>());
        services.AddHostedService(sp => sp.GetRequiredService<MemberActivityFeed>());
        return services;
    }
}
