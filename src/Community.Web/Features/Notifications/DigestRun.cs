using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Jobs;
using Community.Web.Infrastructure.Mail;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Notifications;

/// <summary>
/// Sends the digests that are due: for each member whose local morning has come, the unread notifications of the topics they get
/// by that digest, since their last one. A member is claimed by deleting their <see cref="DigestDue"/> row in the transaction that
/// queues the email and moves their last-digest mark, so two runs at once (or two servers) send each digest once; nothing new
/// means no email.
/// </summary>
public sealed class DigestRun(IServiceScopeFactory scopes, TimeProvider clock, NotificationOptions options, NotificationEmails emails,
    OutboxSignal signal, JobLeases leases)
{
    /// <summary>Runs every due digest in batches; returns how many emails were queued.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var queued = 0;
        var after = ("", "");
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            var (member, period) = after;
            // Keyset pages, so rows another run took (or a failed batch left) never make this loop go round in place.
            var batch = await db.Set<DigestDue>().AsNoTracking()
                .Where(d => d.DueAt <= now && (string.Compare(d.MemberId, member) > 0
                    || (d.MemberId == member && string.Compare(d.Period, period) > 0)))
                .OrderBy(d => d.MemberId).ThenBy(d => d.Period).Take(options.DigestBatchSize).ToListAsync(ct);
            if (batch.Count == 0) return queued;
            after = (batch[^1].MemberId, batch[^1].Period);
            queued += await SendBatchAsync(scope.ServiceProvider, db, batch, now, ct);
        }
    }

    private async Task<int> SendBatchAsync(IServiceProvider services, CommunityDb db, List<DigestDue> batch, DateTime now, CancellationToken ct)
    {
        var inboxes = services.GetServices<INotificationInbox>();
        var directory = services.GetRequiredService<IMemberDirectory>();
        var outbox = new EmailOutbox(db, clock, signal, leases);
        var queued = 0;
        await using var tx = await db.BeginWriteAsync(ct);
        var claimed = new List<DigestDue>(batch.Count);
        foreach (var due in batch)
        {
            if (await db.Set<DigestDue>().Where(d => d.MemberId == due.MemberId && d.Period == due.Period && d.DueAt == due.DueAt)
                .ExecuteDeleteAsync(ct) == 1) claimed.Add(due);
        }
        if (claimed.Count == 0) return 0;
        // Read inside the transaction, after the claim: what arrives from now on schedules the next digest.
        var ids = claimed.Select(d => d.MemberId).Distinct(StringComparer.Ordinal).ToList();
        var members = await directory.FindManyAsync(ids, ct);
        var settings = await db.Set<MailSettings>().AsNoTracking().Where(s => ids.Contains(s.MemberId))
            .ToDictionaryAsync(s => s.MemberId, StringComparer.Ordinal, ct);
        var chosen = (await db.Set<NotificationPreference>().AsNoTracking().Where(p => ids.Contains(p.MemberId)).ToListAsync(ct))
            .ToLookup(p => p.MemberId, StringComparer.Ordinal);
        List<UnreadNotification> all = [];
        foreach (var inbox in inboxes) all.AddRange(await inbox.UnreadAsync(db, ids, ct));
        var unread = all.ToLookup(n => n.MemberId, StringComparer.Ordinal);
        foreach (var due in claimed)
        {
            var mine = settings.GetValueOrDefault(due.MemberId);
            var since = (due.Period == Deliveries.Weekly ? mine?.LastWeeklyDigestAt : mine?.LastDailyDigestAt) ?? DateTime.MinValue;
            var topics = NotificationTopics.All.Select(t => t.Topic)
                .Where(t => (chosen[due.MemberId].FirstOrDefault(p => p.Topic == t)?.Delivery ?? NotificationTopics.DefaultFor(t)) == due.Period)
                .ToHashSet(StringComparer.Ordinal);
            var items = unread[due.MemberId].Where(n => topics.Contains(n.Topic) && n.CreatedAt > since && n.CreatedAt >= due.Since)
                .OrderBy(n => n.CreatedAt).ToList();
            await NotificationStore.MarkDigestAsync(db, due.MemberId, due.Period, now, ct);
            if (items.Count == 0 || !members.TryGetValue(due.MemberId, out var member) || !member.EmailConfirmed || member.Email is null) continue;
            var mail = emails.Digest(member, due.Period, items);
            outbox.Enqueue(member.Email, mail.Subject, mail.Text, mail.Html, mail.UnsubscribeUrl);
            queued++;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return queued;
    }
}

/// <summary>Looks for due digests every <see cref="NotificationOptions.DigestPollSeconds"/>, on the one server holding the job lease.</summary>
internal sealed partial class DigestService(DigestRun run, JobLeases leases, NotificationOptions options, ILogger<DigestService> logger)
    : BackgroundService
{
    private const string Job = "notification-digests";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Max(1, options.DigestPollSeconds));
        using var timer = new PeriodicTimer(every);
        try
        {
            do
            {
                try
                {
                    if (await leases.TryHoldAsync(Job, every * 3, stoppingToken)) await run.RunAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRunFailed(logger, ex);
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) { /* stopping */ }
        await leases.ReleaseAsync(Job, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The digest run failed")]
    private static partial void LogRunFailed(ILogger logger, Exception ex);
}
