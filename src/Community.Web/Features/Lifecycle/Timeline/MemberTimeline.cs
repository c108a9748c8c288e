using System.Security.Claims;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Community.Web.Features.Lifecycle.Timeline;

/// <summary>The kinds of timeline entries (the page picks an icon and a heading level by them).</summary>
public static class TimelineKinds
{
    public const string Arrived = "arrived";
    public const string Joined = "joined";
    public const string FirstPost = "first-post";
    public const string FirstAnswer = "first-answer";
    public const string Referral = "referral";
    public const string Conversion = "conversion";
    public const string Credit = "credit";
    public const string Story = "story";
    public const string Stage = "stage";
    /// <summary>For a badges feature: a badge granted (see <see cref="IMemberTimelineSource"/>).</summary>
    public const string Badge = "badge";
}

/// <summary>One thing in a member's history. <see cref="Title"/> and <see cref="Detail"/> are plain text (the page sets them as
/// text, never HTML); <see cref="Url"/> is a site-relative link to what the entry is about, when the viewer may open it.</summary>
public sealed record TimelineEntry(DateTime At, string Kind, string Title, string? Detail = null, string? Url = null);

/// <summary>Who asks for a timeline: sources hide what the viewer may not read (a private category's thread title).</summary>
public sealed record TimelineRequest(string MemberId, string UserName, ClaimsPrincipal Viewer);

/// <summary>
/// A feature's part of a member's admin timeline: how they arrived, first post and answer, referrals, credits, stories, stage changes.
/// Each feature implements one in its own folder and registers it as <c>services.AddScoped&lt;IMemberTimelineSource, …&gt;()</c>;
/// badges add theirs the same way (kind <see cref="TimelineKinds.Badge"/>). A source returns at most <see cref="MemberTimeline.PerSource"/>
/// entries, its newest.
/// </summary>
public interface IMemberTimelineSource
{
    Task<IReadOnlyList<TimelineEntry>> EntriesAsync(TimelineRequest request, CancellationToken ct);
}

public sealed record TimelineMember(string Id, string UserName, string DisplayName, DateTime JoinedAt, string ProfileUrl);

public sealed record MemberTimelineView(TimelineMember Member, MemberLifecycleView? Lifecycle, IReadOnlyList<TimelineEntry> Entries);

/// <summary><c>GET /api/admin/members/{id}/timeline</c> (staff): the member's history from every feature, newest first. The member
/// may be named by id or by handle, so staff can type a handle on the timeline page.</summary>
internal static class MemberTimeline
{
    public const int PerSource = 100;

    public static void Map(RouteGroupBuilder staff) => staff.MapGet("/{id}/timeline", Handle);

    private static async Task<Results<Ok<MemberTimelineView>, ProblemHttpResult>> Handle(string id, ClaimsPrincipal user,
        IMemberDirectory members, IMemberLifecycle lifecycle, IEnumerable<IMemberTimelineSource> sources, CancellationToken ct)
    {
        var member = await members.FindAsync(id, ct);
        if (member is null && id.Length <= 256 && await members.FindIdByHandleAsync(id, ct) is { } byHandle)
            member = await members.FindAsync(byHandle, ct);
        if (member is null) return Problems.NotFound("No member with that id or handle.");
        var request = new TimelineRequest(member.Id, member.UserName, user);
        var entries = new List<TimelineEntry>();
        foreach (var source in sources) entries.AddRange((await source.EntriesAsync(request, ct)).Take(PerSource));
        var ordered = entries.OrderByDescending(e => e.At).ThenBy(e => e.Kind, StringComparer.Ordinal).ToList();
        var profile = "/u/" + Uri.EscapeDataString(member.UserName);
        return TypedResults.Ok(new MemberTimelineView(new TimelineMember(member.Id, member.UserName, member.DisplayName, member.JoinedAt, profile),
            await lifecycle.OfAsync(member.Id, ct), ordered));
    }
}

/// <summary>Lifecycle's own entries: each stage change with its cause.</summary>
internal sealed class StageTimeline(IMemberLifecycle lifecycle) : IMemberTimelineSource
{
    public async Task<IReadOnlyList<TimelineEntry>> EntriesAsync(TimelineRequest request, CancellationToken ct)
    {
        var view = await lifecycle.OfAsync(request.MemberId, ct);
        if (view is null) return [];
        return [.. view.History.Take(MemberTimeline.PerSource).Select(c => new TimelineEntry(c.At, TimelineKinds.Stage,
            c.FromLabel.Length == 0 ? $"Stage: {c.ToLabel}" : $"Stage: {c.FromLabel} → {c.ToLabel}", c.Cause))];
    }
}
