using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// POST /api/ideas/{id}/merge {targetId}: staff merge a duplicate into another idea, in one transaction. Votes and watchers move to
/// the target (a member who voted on both keeps one vote), the duplicate is locked and its page redirects (301) to the target, and
/// its voters are told. Merging into itself, from or into an idea already merged: 400.
/// </summary>
public static class MergeIdea
{
    public static void Map(IEndpointRouteBuilder members) =>
        members.MapPost("/ideas/{id:long}/merge", (long id, IdeaMergeRequest request, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, request, ct));

    public sealed class Handler(CommunityDb db, IdeaWrites ideas, ForumWrites writes)
    {
        public async Task<Results<Ok<IdeaDetail>, ProblemHttpResult, ValidationProblem>> HandleAsync(ForumViewer viewer, long id,
            IdeaMergeRequest request, CancellationToken ct)
        {
            if (viewer.MemberId is null) return Problems.Unauthorized();
            if (await ideas.FindAsync(id, viewer, ct) is not { } source) return ForumProblems.NotFound("idea");
            if (!IdeaWrites.IsStaff(viewer)) return Problems.Forbidden("Only moderators, marketing and admins merge ideas.");
            if (request.TargetId is not { } targetId) return ForumProblems.Invalid("targetId", "Choose the idea to merge this one into.");
            if (targetId == id) return ForumProblems.Invalid("targetId", "An idea cannot be merged into itself.");
            if (await ideas.FindAsync(targetId, viewer, ct) is not { } target)
            {
                return ForumProblems.Invalid("targetId", "No such idea, or you cannot see it.");
            }
            var (actor, refused) = await writes.ActorAsync(viewer, posting: false, ct);
            if (refused is not null) return refused;

            List<ForumNotification> notes;
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                var locked = await ideas.LockAsync(ct, id, targetId);
                if (locked[targetId].MergedIntoId is not null)
                {
                    return ForumProblems.Invalid("targetId", "That idea was itself merged into another: merge into that one.");
                }
                if (locked[id].MergedIntoId is not null) return ForumProblems.Invalid("targetId", "This idea is already merged.");
                var voters = await db.Set<IdeaVote>().Where(v => v.ThreadId == id).Select(v => v.MemberId).ToListAsync(ct);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "IdeaVotes" ("ThreadId", "MemberId", "CreatedAt")
                    SELECT {targetId}, v."MemberId", v."CreatedAt" FROM "IdeaVotes" v
                    WHERE v."ThreadId" = {id}
                      AND NOT EXISTS (SELECT 1 FROM "IdeaVotes" w WHERE w."ThreadId" = {targetId} AND w."MemberId" = v."MemberId")
                    """, ct);
                await db.Set<IdeaVote>().Where(v => v.ThreadId == id).ExecuteDeleteAsync(ct);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "ForumThreadWatches" ("ThreadId", "MemberId")
                    SELECT {targetId}, w."MemberId" FROM "ForumThreadWatches" w WHERE w."ThreadId" = {id}
                    ON CONFLICT DO NOTHING
                    """, ct);
                await db.Set<ThreadWatch>().Where(w => w.ThreadId == id).ExecuteDeleteAsync(ct);
                var count = await db.Set<IdeaVote>().CountAsync(v => v.ThreadId == targetId, ct);
                locked[targetId].VoteCount = count;
                locked[id].VoteCount = 0;
                locked[id].MergedIntoId = targetId;
                locked[id].StatusChangedAt = ideas.Now;
                await db.Set<ForumThread>().Where(t => t.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.IsLocked, true).SetProperty(t => t.Version, t => t.Version + 1), ct);
                var readers = await writes.ReadersAsync(voters.Where(m => m != actor!.Id), target.Category, ct);
                notes = writes.Notify(readers, NotificationKinds.IdeaMerged, targetId, target.Thread.Slug, 1,
                    $"“{source.Thread.Title}” was merged into “{target.Thread.Title}”; your vote counts there now.");
                writes.Audit(viewer, "idea-merge", $"idea {id} into {targetId}", null);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            await ideas.AfterChangeAsync(id, source.Category.Id, ct);
            await ideas.AfterChangeAsync(targetId, target.Category.Id, ct);
            await writes.AfterThreadChangeAsync(id, ct); // the duplicate's readers see it locked
            await writes.PublishNotesAsync(notes, ct);
            return TypedResults.Ok((await IdeaQueries.DetailAsync(db, ideas, target, viewer, ct))!);
        }
    }
}
