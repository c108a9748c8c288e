using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Demo;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>Demo ideas in several statuses, with votes, so /ideas and /roadmap show something on a fresh ./run.sh. Seeded through the
/// same use cases the API uses, after the forum's categories (the demo "Ideas" category is of kind Ideas).</summary>
internal sealed class IdeaDemoContent(CommunityDb db, ForumReader reader, StartThread.Handler start, VoteOnIdea.Handler vote,
    SetIdeaStatus.Handler status) : IDemoContent
{
    public int Order => 15;

    public async Task SeedAsync(DemoMembers members, CancellationToken ct)
    {
        if (await reader.CategoryBySlugAsync("ideas", ct) is not { IsIdeas: true } board) return;
        ForumViewer As(string key)
        {
            var roles = new HashSet<string>(StringComparer.Ordinal) { Roles.Member, Roles.Moderator }; // staff: no posting limits
            if (key == "admin") roles.Add(Roles.Admin);
            if (key == "marketer") roles.Add(Roles.Marketing);
            return new ForumViewer(members[key].Id, roles);
        }

        var release = await db.Set<ForumThread>().Where(t => t.Title.StartsWith("Release 4.2")).Select(t => new { t.Id, t.Slug })
            .FirstOrDefaultAsync(ct);
        var announcement = release is null ? null : ForumReader.ThreadUrl(release.Id, release.Slug);

        async Task<long> Idea(string who, string title, string body, string? state, string? note, params string[] voters)
        {
            var created = (await start.HandleAsync(As(who), new CreateThreadRequest(board.Id, title, body), ct)).Result;
            var id = ((IValueHttpResult<CreatedThread>)created).Value!.Thread.Id;
            foreach (var voter in voters) await vote.VoteAsync(As(voter), id, true, ct);
            var link = state == IdeaStatuses.Shipped ? announcement : null;
            if (state is not null) await status.HandleAsync(As("marketer"), id, new IdeaStatusRequest(state, note, link), ct);
            return id;
        }

        var darkMode = await db.Set<ForumThread>().Where(t => t.CategoryId == board.Id && t.Title.StartsWith("Dark mode"))
            .Select(t => t.Id).FirstOrDefaultAsync(ct);
        if (darkMode != 0)
        {
            foreach (var voter in new[] { "ben", "chloe", "dev", "ana" }) await vote.VoteAsync(As(voter), darkMode, true, ct);
            await status.HandleAsync(As("marketer"), darkMode, new IdeaStatusRequest(IdeaStatuses.InProgress, "Design is done; building it now.",
                null), ct);
        }
        await Idea("dev", "Retry log in the public API", "Webhook retries show in Settings. We would like the same log over the API for our "
            + "own alerting.", IdeaStatuses.Planned, "Planned for 4.3.", "dev", "ana", "ben");
        await Idea("chloe", "Native fiscal quarters in date filters", "Our fiscal year starts in April. A fiscal-year setting per workspace would "
            + "make every date filter understand it.", IdeaStatuses.UnderReview, null, "chloe", "ben");
        await Idea("ben", "Scheduled CSV exports", "Send a dashboard's data as CSV every Monday morning.", IdeaStatuses.Shipped,
            "Shipped in 4.2: see the release announcement.", "ben", "chloe");
        await Idea("ana", "Slack app with slash commands", "`/metrics revenue` in Slack answering with the current figure would save us "
            + "opening the dashboard ten times a day.", null, null, "ana", "dev");
        await Idea("dev", "Offline mode for the mobile app", "Read-only dashboards on the plane.", IdeaStatuses.Declined,
            "Not something we can do well soon; exports cover most of it.", "dev");
    }
}
