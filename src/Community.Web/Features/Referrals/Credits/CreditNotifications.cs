using Community.Web.Data;
using Community.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>
/// Credits a member earns, as email notifications (topic "credits"): each new grant when it is written, and the grants of the last
/// week for digests. The ledger has no read marks, so a digest holds the grants since the member's last one.
/// </summary>
internal sealed class CreditNotifications(TimeProvider clock) : INewNotifications, INotificationInbox
{
    public Task<IReadOnlyList<NewNotification>> FindAsync(CommunityDb db, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<NewNotification>>([.. db.ChangeTracker.Entries<LedgerEntry>()
            .Where(e => e.State == EntityState.Added && e.Entity.Kind == LedgerKind.Grant && e.Entity.Amount > 0)
            .Select(e => new NewNotification(e.Entity.MemberId, NotificationTopics.Credits, Text(e.Entity), "/refer"))]);

    public async Task<List<UnreadNotification>> UnreadAsync(CommunityDb db, IReadOnlyCollection<string> memberIds, CancellationToken ct)
    {
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-8);
        var grants = await db.Set<LedgerEntry>().AsNoTracking()
            .Where(e => memberIds.Contains(e.MemberId) && e.Kind == LedgerKind.Grant && e.Amount > 0 && e.CreatedAt > since).ToListAsync(ct);
        return [.. grants.Select(e => new UnreadNotification(e.MemberId, NotificationTopics.Credits, Text(e), "/refer", e.CreatedAt))];
    }

    private static string Text(LedgerEntry entry) =>
        $"You earned {entry.Amount} referral {(entry.Amount == 1 ? "credit" : "credits")}: {Ledger.Explain(entry)}";
}
