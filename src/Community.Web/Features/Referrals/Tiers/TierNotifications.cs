using Community.Web.Data;
using Community.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>An advocate moving to another tier (up with a conversion, down as customers age out of the window) hears of it by email
/// like their credits (topic "credits"): at once when written, or in their digest.</summary>
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
        TierReview.Rank(change.ToTier) > TierReview.Rank(change.FromTier)
            ? $"You reached the {change.ToTier} advocate tier: your referral rewards now earn a "
              + $"{new TierRule(change.ToTier, 0, change.Percent).Multiplier} bonus"
            : change.ToTier.Length == 0
                ? $"Your {change.FromTier} advocate tier has lapsed: tiers count paying customers of the last 12 months. Refer again to climb back"
                : $"Your advocate tier is now {change.ToTier} (was {change.FromTier}), counting paying customers of the last 12 months: "
                  + $"your referral rewards earn a {new TierRule(change.ToTier, 0, change.Percent).Multiplier} bonus";
}
