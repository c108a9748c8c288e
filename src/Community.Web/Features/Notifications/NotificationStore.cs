using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Notifications;

/// <summary>The notification tables' writes, as upserts: two requests for one member at once never collide on a key.</summary>
internal static class NotificationStore
{
    public static async Task<Dictionary<string, string>> DeliveriesAsync(CommunityDb db, string memberId, CancellationToken ct)
    {
        var chosen = await db.Set<NotificationPreference>().AsNoTracking().Where(p => p.MemberId == memberId)
            .ToDictionaryAsync(p => p.Topic, p => p.Delivery, StringComparer.Ordinal, ct);
        return NotificationTopics.All.ToDictionary(t => t.Topic, t => chosen.GetValueOrDefault(t.Topic) ?? t.Default, StringComparer.Ordinal);
    }

    public static Task<int> SetDeliveryAsync(CommunityDb db, string memberId, string topic, string delivery, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO "NotificationPreferences" ("MemberId", "Topic", "Delivery") VALUES ({memberId}, {topic}, {delivery})
            ON CONFLICT ("MemberId", "Topic") DO UPDATE SET "Delivery" = EXCLUDED."Delivery"
            """, ct);

    public static Task<int> SetTimeZoneAsync(CommunityDb db, string memberId, string zone, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO "MailSettings" ("MemberId", "TimeZone") VALUES ({memberId}, {zone})
            ON CONFLICT ("MemberId") DO UPDATE SET "TimeZone" = EXCLUDED."TimeZone"
            """, ct);

    /// <summary>Marks a digest as sent (the next one covers what arrives after <paramref name="at"/>).</summary>
    public static Task<int> MarkDigestAsync(CommunityDb db, string memberId, string period, DateTime at, CancellationToken ct) =>
        period == Deliveries.Weekly
            ? db.Database.ExecuteSqlAsync($"""
                INSERT INTO "MailSettings" ("MemberId", "TimeZone", "LastWeeklyDigestAt") VALUES ({memberId}, 'UTC', {at})
                ON CONFLICT ("MemberId") DO UPDATE SET "LastWeeklyDigestAt" = EXCLUDED."LastWeeklyDigestAt"
                """, ct)
            : db.Database.ExecuteSqlAsync($"""
                INSERT INTO "MailSettings" ("MemberId", "TimeZone", "LastDailyDigestAt") VALUES ({memberId}, 'UTC', {at})
                ON CONFLICT ("MemberId") DO UPDATE SET "LastDailyDigestAt" = EXCLUDED."LastDailyDigestAt"
                """, ct);

    /// <summary>A digest is waiting for the member (kept as it is when one is waiting already).</summary>
    public static Task<int> DigestDueAsync(CommunityDb db, string memberId, string period, DateTime dueAt, DateTime since,
        CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO "DigestsDue" ("MemberId", "Period", "DueAt", "Since") VALUES ({memberId}, {period}, {dueAt}, {since})
            ON CONFLICT ("MemberId", "Period") DO NOTHING
            """, ct);
}
