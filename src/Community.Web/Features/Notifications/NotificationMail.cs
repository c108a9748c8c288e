using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Jobs;
using Community.Web.Infrastructure.Mail;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Notifications;

/// <summary>A notification as it is created, in the words of the feature that made it (its topic decides how it is mailed).</summary>
public sealed record NewNotification(string MemberId, string Topic, string Text, string Url);

/// <summary>A notification a member has not read yet, for their digest.</summary>
public sealed record UnreadNotification(string MemberId, string Topic, string Text, string Url, DateTime CreatedAt);

/// <summary>Told about every new in-app notification inside the transaction that creates it: mails it at once, or schedules the
/// member's digest, or neither, as the member chose.</summary>
public interface INotificationMail
{
    Task NotifiedAsync(CommunityDb db, IReadOnlyList<NewNotification> notes, CancellationToken ct);
}

/// <summary>Where digests read what members have not seen yet (the forums keep the notifications).</summary>
public interface INotificationInbox
{
    Task<List<UnreadNotification>> UnreadAsync(CommunityDb db, IReadOnlyCollection<string> memberIds, CancellationToken ct);
}

internal sealed class NotificationMail(TimeProvider clock, NotificationOptions options, NotificationEmails emails, OutboxSignal signal,
    JobLeases leases) : INotificationMail
{
    public async Task NotifiedAsync(CommunityDb db, IReadOnlyList<NewNotification> notes, CancellationToken ct)
    {
        if (notes.Count == 0) return;
        var ids = notes.Select(n => n.MemberId).Distinct(StringComparer.Ordinal).ToList();
        var chosen = await db.Set<NotificationPreference>().AsNoTracking().Where(p => ids.Contains(p.MemberId)).ToListAsync(ct);
        string Delivery(NewNotification n) => chosen.FirstOrDefault(p => p.MemberId == n.MemberId && p.Topic == n.Topic)?.Delivery
            ?? NotificationTopics.DefaultFor(n.Topic);

        var now = clock.GetUtcNow().UtcDateTime;
        var digests = notes.Select(n => (n.MemberId, Period: Delivery(n))).Where(d => Deliveries.IsDigest(d.Period)).Distinct().ToList();
        if (digests.Count > 0)
        {
            var digestIds = digests.Select(d => d.MemberId).Distinct(StringComparer.Ordinal).ToList();
            var zones = await db.Set<MailSettings>().AsNoTracking().Where(s => digestIds.Contains(s.MemberId))
                .ToDictionaryAsync(s => s.MemberId, s => s.TimeZone, StringComparer.Ordinal, ct);
            foreach (var (memberId, period) in digests)
            {
                var due = MemberMornings.NextDue(now, zones.GetValueOrDefault(memberId), period, options.DigestHour);
                await NotificationStore.DigestDueAsync(db, memberId, period, due, now, ct);
            }
        }

        var immediate = notes.Where(n => Delivery(n) == Deliveries.Immediately).ToList();
        if (immediate.Count == 0) return;
        var members = await new MemberDirectory(db).FindManyAsync(immediate.Select(n => n.MemberId), ct);
        var outbox = new EmailOutbox(db, clock, signal, leases);
        foreach (var note in immediate)
        {
            if (!members.TryGetValue(note.MemberId, out var member) || !member.EmailConfirmed || member.Email is null) continue;
            var mail = emails.Immediate(member, note);
            outbox.Enqueue(member.Email, mail.Subject, mail.Text, mail.Html, mail.UnsubscribeUrl);
        }
    }
}
