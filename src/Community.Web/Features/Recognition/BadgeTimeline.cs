using Community.Web.Data;
using Community.Web.Features.Lifecycle.Timeline;

namespace Community.Web.Features.Recognition;

/// <summary>Recognition's entries on a member's staff timeline: each badge with when it was granted (a manual one with its reason is
/// on the badge admin page).</summary>
internal sealed class BadgeTimeline(CommunityDb db) : IMemberTimelineSource
{
    public async Task<IReadOnlyList<TimelineEntry>> EntriesAsync(TimelineRequest request, CancellationToken ct) =>
        [.. (await ProfileActivity.BadgesOfAsync(db, request.MemberId, ct)).Select(b => new TimelineEntry(b.EarnedAt, TimelineKinds.Badge,
            $"Earned the badge “{b.Name}”", b.Manual ? "Granted by staff" : b.Description, "/u/" + Uri.EscapeDataString(request.UserName)))];
}
