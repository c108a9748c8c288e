using Community.Web.Data;
using Community.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>An advocate reaching a new tier hears of it by email like their credits (topic "credits"): at once when written, or in
/// their digest.</summary>
internal sealed class TierNotifications(TimeProvider clock) : INewNotifications, INotificationInbox
{
    public Task<IReadOnlyList<NewNotification>> FindAsync(CommunityDb db, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<NewNotification>>([.. db.ChangeTracker.Entries<AdvocateTierChange>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => new NewNotification(e.Entity.MemberId, NotificationTopics.Credits, Text(e.Entity), "/refer"))]);

    public async Task<List<UnreadNotification>> UnreadAsync(CommunityDb db, IReadOnlyCollection<string> memberIds, CancellationToken ct)
    {
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-8);
        var changes = await db.Set<AdvocateTierChange>().AsNoTracking()
            .Where(c => memberIds.Contains(c.MemberId) && c.At > since).ToListAsync(ct);
        return [.. changes.Select(c => new UnreadNotification(c.MemberId, NotificationTopics.Credits, Text(c), "/refer", c.At))];
    }

    public static string Text(AdvocateTierChange change) =>
        $"You reached the {change.ToTier} advocate tier: your referral rewards now earn a "
        + $"{new TierRule(change.ToTier, 0, change.Percent).Multiplier} bonus";
}
