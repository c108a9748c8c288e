using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Forums;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Recognition;

public sealed record EarnedBadgeDto(string Key, string Name, string Description, DateTime EarnedAt, bool Manual);
/// <summary><c>Stage</c> (the lifecycle stage's label, with a link to the member's timeline) only for staff.</summary>
public sealed record ProfileStatsDto(int Posts, int AcceptedAnswers, int DaysVisited, int? TrustLevel, string? Stage = null,
    string? TimelineUrl = null);
public sealed record ProfileActivityDto(string UserName, string? Title, List<EarnedBadgeDto> Badges, ProfileStatsDto Stats,
    List<MemberPostItem> RecentPosts, List<MemberPostItem> Answers);
public sealed record TitleRequest(string? Badge);

/// <summary>
/// GET /api/members/{userName}/activity: what a profile shows besides the card — badges with when they were earned, the chosen title,
/// stats, recent posts and accepted answers. Posts come only from threads the viewer may read, so a private category's post never
/// shows to someone outside it (the post counts are of those visible posts too). The trust level is shown to the member and staff.
/// PUT /api/me/title: the member picks one of their badges as their title (or none).
/// </summary>
public static class ProfileActivity
{
    private const int Recent = 10;

    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder members)
    {
        app.MapGet("/api/members/{userName}/activity", GetAsync).WithTags("Members");
        members.MapPut("/me/title", SetTitleAsync);
    }

    private static async Task<Results<Ok<ProfileActivityDto>, ProblemHttpResult>> GetAsync(string userName, HttpContext http, CommunityDb db,
        IMemberDirectory members, IForumMemberFacts forum, Lifecycle.IMemberLifecycle lifecycle, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (await members.FindIdByHandleAsync(userName, ct) is not { } id || await members.FindAsync(id, ct) is not { } member)
        {
            return Problems.NotFound("No member has that username.");
        }
        var viewer = ForumViewer.From(http.User);
        var badges = await BadgesOfAsync(db, id, ct);
        var standing = await db.Set<MemberStanding>().AsNoTracking().FirstOrDefaultAsync(s => s.MemberId == id, ct);
        var days = await db.Set<MemberVisitDay>().CountAsync(v => v.MemberId == id, ct);
        var posts = await forum.PostsOfAsync(id, viewer, Recent, ct);
        var staff = viewer.IsModerator || http.User.IsInRole(Roles.Marketing);
        var level = viewer.MemberId == id || staff ? standing?.TrustLevel ?? 0 : (int?)null;
        var title = badges.FirstOrDefault(b => b.Key == standing?.Title)?.Name;
        // The lifecycle stage is a staff tool (a member labelled "At risk" should not read it on their own profile).
        var stage = staff ? (await lifecycle.OfAsync(id, ct))?.Label : null;
        var timeline = staff ? "/admin/members/" + Uri.EscapeDataString(member.UserName) : null;
        return TypedResults.Ok(new ProfileActivityDto(member.UserName, title, badges,
            new ProfileStatsDto(posts.PostCount, posts.AnswerCount, days, level, stage, timeline), posts.Recent, posts.Answers));
    }

    private static async Task<Results<NoContent, ValidationProblem>> SetTitleAsync(TitleRequest request, ClaimsPrincipal user, CommunityDb db,
        CancellationToken ct)
    {
        var me = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var badge = string.IsNullOrWhiteSpace(request.Badge) ? null : request.Badge.Trim();
        if (badge is not null && !await db.Set<MemberBadge>().AnyAsync(b => b.MemberId == me && b.Badge == badge, ct))
        {
            return new FieldErrors().Add("badge", "Choose one of your own badges.").ToProblem();
        }
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "MemberStandings" ("MemberId", "TrustLevel", "TrustChangedAt", "Title") VALUES ({me}, 0, {DateTime.UnixEpoch}, {badge})
            ON CONFLICT ("MemberId") DO UPDATE SET "Title" = EXCLUDED."Title"
            """, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<List<EarnedBadgeDto>> BadgesOfAsync(CommunityDb db, string memberId, CancellationToken ct)
    {
        var held = await db.Set<MemberBadge>().AsNoTracking().Where(b => b.MemberId == memberId).OrderBy(b => b.GrantedAt).ToListAsync(ct);
        var customIds = held.Select(b => BadgeCatalog.CustomId(b.Badge)).OfType<int>().ToList();
        var custom = await db.Set<CustomBadge>().AsNoTracking().Where(b => customIds.Contains(b.Id)).ToDictionaryAsync(b => b.Key, ct);
        EarnedBadgeDto? Dto(MemberBadge b) =>
            BadgeCatalog.Find(b.Badge) is { } auto ? new EarnedBadgeDto(b.Badge, auto.Name, auto.Description, b.GrantedAt, false)
            : custom.TryGetValue(b.Badge, out var c) ? new EarnedBadgeDto(b.Badge, c.Name, c.Description, b.GrantedAt, true)
            : null; // a manual badge deleted since (there is no delete yet)
        return [.. held.Select(Dto).OfType<EarnedBadgeDto>()];
    }
}
