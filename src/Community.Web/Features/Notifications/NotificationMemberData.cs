using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Notifications;

/// <summary>Email settings in "download my data"; erasing the account removes them and any digest still waiting.</summary>
internal sealed class NotificationMemberData(CommunityDb db) : IMemberDataSection
{
    public string Name => "emailNotifications";

    public async Task<object?> ExportAsync(string memberId, CancellationToken ct) => new
    {
        Topics = await NotificationStore.DeliveriesAsync(db, memberId, ct),
        Settings = await db.Set<MailSettings>().AsNoTracking().Where(s => s.MemberId == memberId)
            .Select(s => new { s.TimeZone, s.LastDailyDigestAt, s.LastWeeklyDigestAt }).FirstOrDefaultAsync(ct),
    };

    public async Task EraseAsync(string memberId, CancellationToken ct)
    {
        await db.Set<NotificationPreference>().Where(p => p.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<MailSettings>().Where(s => s.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<DigestDue>().Where(d => d.MemberId == memberId).ExecuteDeleteAsync(ct);
    }
}
