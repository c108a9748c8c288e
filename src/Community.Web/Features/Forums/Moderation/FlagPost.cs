using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Recognition;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>POST /api/posts/{id}/flags: a member reports a post once, with a reason; the flag reaches the live moderator queue. A flag by a
/// member of trust level <see cref="TrustOptions.FlagHidesLevel"/> (3) also hides the post at once, pending review: the flag stays open
/// in the queue, where a moderator dismisses it (and shows the post again with unhide) or keeps the post hidden.</summary>
public static class FlagPost
{
    private const string Already = "You already flagged this post.";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder members) =>
        members.MapPost("/posts/{id:long}/flags", (long id, FlagRequest request, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, request, ct));

    public static FieldErrors Validate(FlagRequest request)
    {
        var errors = new FieldErrors();
        errors.Text("reason", request.Reason, 3, 500, "Reason");
        return errors;
    }

    public sealed class Handler(CommunityDb db, ForumReader reader, FlagQueue.Query queue, ILiveBus bus, TimeProvider clock, PostingLimiter limiter,
        ForumWebhooks webhooks, ITrustLevels trust, ForumWrites writes, IForumSearch search)
    {
        public async Task<Results<Created<FlagDto>, ProblemHttpResult, ValidationProblem>> HandleAsync(ForumViewer viewer, long postId,
            FlagRequest request, CancellationToken ct)
        {
            if (Validate(request) is { Any: true } errors) return errors.ToProblem();
            var post = await db.Set<ForumPost>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == postId, ct);
            if (post is null || await reader.ThreadAsync(post.ThreadId, viewer, ct) is not { } found) return ForumProblems.NotFound("post");
            if (post.IsDeleted) return Problems.Conflict("This post was deleted.");
            var me = viewer.MemberId!;
            if (await db.Set<PostFlag>().AnyAsync(f => f.PostId == postId && f.MemberId == me, ct)) return Problems.Conflict(Already);
            if (!viewer.IsModerator && await limiter.FlagAsync(me, ct) is { } limited) return limited;
            var hides = false;
            var flag = new PostFlag { PostId = postId, MemberId = me, Reason = request.Reason!.Trim(), CreatedAt = clock.GetUtcNow().UtcDateTime };
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                db.Add(flag);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
                {
                    return Problems.Conflict(Already); // the same member's flag, sent twice at once
                }
                // After the insert: the event carries the flag's id.
                webhooks.FlagCreated(db, flag, post, found.Thread.Slug, found.Category.IsPrivate);
                await db.SaveChangesAsync(ct);
                hides = !post.IsHidden && !viewer.IsModerator && await trust.LevelOfAsync(me, ct) >= trust.Options.FlagHidesLevel;
                if (hides) await HidePendingReviewAsync(post, found, ct);
                await tx.CommitAsync(ct);
            }
            if (hides)
            {
                await writes.TextGoneAsync(post.ThreadId, ct);
                await writes.AfterPostChangeAsync(post, ct);
            }
            var dto = (await queue.ListAsync(ForumWrites.Staff, ct, flag.Id)).Single();
            // Only to moderators who may read the category: the flag carries the thread title and an excerpt.
            await bus.PublishAsync(ForumLive.ModQueueFor(found.Category.Id), ForumLive.FlagCreated, dto, ct);
            return TypedResults.Created("/api/mod/flags", dto);
        }

        private async Task HidePendingReviewAsync(ForumPost post, (ThreadDto Thread, CategoryInfo Category) found, CancellationToken ct)
        {
            db.Attach(post);
            post.IsHidden = true;
            post.Version = await writes.BumpAsync(post.ThreadId, ct);
            await db.SaveChangesAsync(ct);
            await search.RemoveAsync(db, post.Id, ct);
            if (post.Seq == 1) await writes.SetSummaryAsync(post, ct);
        }
    }
}
