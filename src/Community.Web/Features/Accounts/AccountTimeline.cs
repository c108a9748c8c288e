using Community.Web.Data;
using Community.Web.Features.Lifecycle.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts;

/// <summary>Accounts' timeline entry: the day the member joined, and whether through the product's sign-in (SSO) or the sign-up form.</summary>
internal sealed class AccountTimeline(CommunityDb db) : IMemberTimelineSource
{
    public async Task<IReadOnlyList<TimelineEntry>> EntriesAsync(TimelineRequest request, CancellationToken ct)
    {
        var m = await db.Users.AsNoTracking().Where(u => u.Id == request.MemberId)
            .Select(u => new { u.JoinedAt, u.ExternalId, HasPassword = u.PasswordHash != null, u.AccountName, u.Plan }).FirstOrDefaultAsync(ct);
        if (m is null) return [];
        var how = (m.ExternalId, m.HasPassword) switch
        {
            (not null, false) => "Joined through the product's sign-in (SSO)",
            (not null, true) => "Signed up with email, later linked to the product",
            _ => "Signed up with email",
        };
        var detail = string.Join(" · ", new[] { m.AccountName, m.Plan is null ? null : "plan " + m.Plan }.OfType<string>());
        return [new TimelineEntry(m.JoinedAt, TimelineKinds.Joined, how, detail.Length == 0 ? null : detail)];
    }
}
