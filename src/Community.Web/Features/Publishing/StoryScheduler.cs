using Community.Web.Data;
using Community.Web.Features.Media;
using Community.Web.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Publishing;

/// <summary>
/// Flips scheduled stories to published when their time comes. Pages do not wait for it: a scheduled story is
/// visible from its time on (check-on-read); this job makes the state in the editor and the database match. With several
/// servers only the holder of the job's lease flips stories, so each publishes (and announces) once.
/// </summary>
internal sealed partial class StoryScheduler(
    IServiceScopeFactory scopes, StoryCatalog catalog, MediaLibrary media, TimeProvider clock, PublishingOptions options,
    JobLeases leases, ILogger<StoryScheduler> logger)
    : BackgroundService
{
    public const string Job = "publishing.scheduler";

    /// <summary>Long enough to outlast a slow pass; short enough that another server takes over soon after a crash.</summary>
    private TimeSpan LeaseLength => TimeSpan.FromSeconds(Math.Max(30, options.SchedulerSeconds * 3));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.WarmOnStart)
        {
            // Build the catalog now, then process the content files' images: pages never wait on this (a story page
            // processes its own images first if it comes before this run reaches them).
            try
            {
                await catalog.GetAsync(stoppingToken);
                await media.ProcessQueuedAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException) { LogFailed(logger, e); }
            // Processing the content images allocated tens of MB that are garbage now: give them back once.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.SchedulerSeconds)));
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try { await leases.ReleaseAsync(Job, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException) { LogFailed(logger, e); }
    }

    /// <summary>One pass of the job: publishes what is due when this server holds the job, else returns null (another server runs it).</summary>
    public async Task<int?> RunOnceAsync(CancellationToken ct) =>
        await leases.TryHoldAsync(Job, LeaseLength, ct) ? await PublishDueAsync(ct) : null;

    public async Task<int> PublishDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var webhooks = scope.ServiceProvider.GetRequiredService<StoryWebhooks>();
        var due = await db.Set<Story>().Where(s => s.Status == StoryStatus.Scheduled && s.PublishAt <= now).ToListAsync(ct);
        foreach (var story in due)
        {
            story.Status = StoryStatus.Published;
            story.PublishedAt ??= story.PublishAt;
            story.PublishAt = null;
            webhooks.Published(db, story, scheduled: true);
        }
        if (due.Count == 0) return 0;
        await db.SaveChangesAsync(ct);
        catalog.Invalidate();
        await webhooks.FeaturedAsync(scope.ServiceProvider.GetRequiredService<Accounts.IMemberDirectory>(), due, ct);
        LogPublished(logger, due.Count);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Count} scheduled stories")]
    private static partial void LogPublished(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing scheduled stories failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
