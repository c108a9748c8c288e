using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Activity;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// PUT /api/ideas/{id}/vote and DELETE /api/ideas/{id}/vote: a member votes for an idea or takes the vote back. Both are idempotent
/// (the key of <see cref="IdeaVote"/> allows one vote per member per idea, however many arrive at once). A vote past the member's
/// budget of open votes is refused with 409 and how many are left.
/// </summary>
public static class VoteOnIdea
{
    public static void Map(IEndpointRouteBuilder members)
    {
        members.MapPut("/ideas/{id:long}/vote", (long id, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.VoteAsync(ForumViewer.From(user), id, true, ct));
        members.MapDelete("/ideas/{id:long}/vote", (long id, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.VoteAsync(ForumViewer.From(user), id, false, ct));
    }

    public sealed class Handler(CommunityDb db, IdeaWrites ideas, PostingLimiter limiter, IMemberActivity activity)
    {
        public async Task<Results<Ok<IdeaVoteState>, ProblemHttpResult>> VoteAsync(ForumViewer viewer, long id, bool vote, CancellationToken ct)
        {
            if (viewer.MemberId is not { } me) return Problems.Unauthorized();
            if (await limiter.VoteAsync(me, ct) is { } limited) return limited;
            if (await ideas.FindAsync(id, viewer, ct) is not { } found) return ForumProblems.NotFound("idea");
            var budget = ideas.Options.VoteBudget;
            int votes;
            bool changed;
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                if (vote) await ideas.LockMemberAsync(me, ct);
                var idea = (await ideas.LockAsync(ct, id))[id];
                var mine = db.Set<IdeaVote>().Where(v => v.ThreadId == id && v.MemberId == me);
                var had = await mine.AnyAsync(ct);
                if (vote && !had)
                {
                    if (idea.MergedIntoId is not null) return Problems.Conflict("This idea was merged into another one: vote there.");
                    if (IdeaStatuses.IsClosed(idea.Status))
                    {
                        return Problems.Conflict($"This idea is {IdeaStatuses.Label(idea.Status)}: voting is closed.");
                    }
                    var open = await ideas.OpenVotesAsync(me, ct);
                    if (open >= budget) return OverBudget(budget, open);
                    db.Add(new IdeaVote { ThreadId = id, MemberId = me, CreatedAt = ideas.Now });
                    idea.VoteCount++;
                }
                else if (!vote && had)
                {
                    await mine.ExecuteDeleteAsync(ct);
                    idea.VoteCount = Math.Max(0, idea.VoteCount - 1);
                }
                changed = vote != had;
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
                {
                    changed = false; // a twin of this vote committed first (only possible if the locks above were bypassed): one vote stands
                }
                votes = idea.VoteCount;
                if (changed) await tx.CommitAsync(ct);
            }
            if (!changed) votes = await db.Set<Idea>().AsNoTracking().Where(i => i.ThreadId == id).Select(i => i.VoteCount).FirstOrDefaultAsync(ct);
            else await ideas.AfterVoteAsync(id, found.Category.Id, votes, ct);
            if (changed && vote) activity.Report(me, ActivityKind.Voted, ideas.Now);
            return TypedResults.Ok(new IdeaVoteState(id, votes, vote, await ideas.VotesLeftAsync(me, ct), budget));
        }

        private static ProblemHttpResult OverBudget(int budget, int open)
        {
            var left = Math.Max(0, budget - open);
            return Problems.Conflict(
                $"You have {left} of your {budget} votes left. Take back a vote, or wait until an idea you voted for ships or is declined.",
                new Dictionary<string, object?>(StringComparer.Ordinal) { ["votesLeft"] = left, ["budget"] = budget, ["openVotes"] = open });
        }
    }
}
