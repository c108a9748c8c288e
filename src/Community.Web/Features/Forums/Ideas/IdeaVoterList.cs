using System.Globalization;
using System.Security.Claims;
using System.Text;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// Who wants it: GET /api/ideas/{id}/voters (grouped by product account and plan, as SSO or the member sync API set them on members;
/// "unknown" when the product told us nothing) and GET /api/ideas/{id}/voters.csv. Staff only.
/// </summary>
public static class IdeaVoterList
{
    public const string Unknown = "unknown";

    public static void Map(IEndpointRouteBuilder members)
    {
        members.MapGet("/ideas/{id:long}/voters", async Task<Results<Ok<IdeaVoters>, ProblemHttpResult>> (long id, ClaimsPrincipal user,
            Handler handler, CancellationToken ct) =>
        {
            var (voters, refused) = await handler.GroupsAsync(ForumViewer.From(user), id, ct);
            return refused ?? (Results<Ok<IdeaVoters>, ProblemHttpResult>)TypedResults.Ok(voters!);
        });
        members.MapGet("/ideas/{id:long}/voters.csv", async Task<IResult> (long id, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
        {
            var (voters, refused) = await handler.GroupsAsync(ForumViewer.From(user), id, ct);
            if (refused is not null) return refused;
            var csv = new StringBuilder();
            Csv.AppendRow(csv, "account", "account_name", "plan", "user_name", "display_name", "voted_at");
            foreach (var g in voters!.Groups)
            {
                foreach (var v in g.Voters) Csv.AppendRow(csv, g.Account, g.AccountName, g.Plan, v.UserName, v.DisplayName, v.VotedAt);
            }
            return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8",
                string.Create(CultureInfo.InvariantCulture, $"idea-{id}-voters.csv"));
        });
    }

    public sealed class Handler(CommunityDb db, IdeaWrites ideas, IMemberDirectory members)
    {
        public async Task<(IdeaVoters? Voters, ProblemHttpResult? Refused)> GroupsAsync(ForumViewer viewer, long id, CancellationToken ct)
        {
            if (await ideas.FindAsync(id, viewer, ct) is null) return (null, ForumProblems.NotFound("idea"));
            if (!IdeaWrites.IsStaff(viewer)) return (null, Infrastructure.Problems.Problems.Forbidden("Only staff see who voted."));
            var votes = await db.Set<IdeaVote>().AsNoTracking().Where(v => v.ThreadId == id).OrderBy(v => v.CreatedAt).ToListAsync(ct);
            var ids = votes.Select(v => v.MemberId).ToList();
            var cards = await members.FindManyAsync(ids, ct);
            var segments = await members.SegmentsOfAsync(ids, ct);
            var groups = votes
                .Select(v => (Vote: v, Segment: segments.GetValueOrDefault(v.MemberId), Author: ForumReader.AuthorOf(cards, v.MemberId)))
                .GroupBy(x => (Account: Known(x.Segment?.AccountId), Plan: Known(x.Segment?.Plan)))
                .Select(g => new IdeaVoterGroup(g.Key.Account, g.Select(x => x.Segment?.AccountName).FirstOrDefault(n => n is not null), g.Key.Plan,
                    g.Count(), [.. g.Select(x => new IdeaVoter(x.Author.UserName, x.Author.DisplayName, x.Vote.CreatedAt))]))
                .OrderByDescending(g => g.Count).ThenBy(g => g.Account == Unknown).ThenBy(g => g.Account, StringComparer.Ordinal)
                .ToList();
            return (new IdeaVoters(id, votes.Count, groups), null);
        }

        private static string Known(string? value) => string.IsNullOrWhiteSpace(value) ? Unknown : value;
    }
}
