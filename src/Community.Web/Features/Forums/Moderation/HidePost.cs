using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// POST /api/posts/{id}/hide and /unhide: a moderator hides a post (its open flags are resolved with it) or shows it again.
/// Hidden text leaves the search index, the thread summary and every server's caches.
/// </summary>
public static class HidePost
{
    public static void Map(IEndpointRouteBuilder moderators)
    {
        moderators.MapPost("/posts/{id:long}/hide", (long id, ReasonRequest request, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, hidden: true, request.Reason, ct));
        moderators.MapPost("/posts/{id:long}/unhide", (long id, ReasonRequest request, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, hidden: false, request.Reason, ct));
    }

    public sealed class Handler(CommunityDb db, ForumWrites writes, ILiveBus bus, IForumSearch search)
    {
        public async Task<Results<Ok<PostDto>, ProblemHttpResult>> HandleAsync(ForumViewer viewer, long postId, bool hidden, string? reason,
            CancellationToken ct)
        {
            if (!viewer.IsModerator) return Problems.Forbidden("Only moderators can hide posts.");
            var (found, refused) = await writes.PostForWriteAsync(viewer, postId, ct);
            if (refused is not null) return refused;
            var post = found!.Post;
            if (post.IsDeleted) return Problems.Conflict("This post was deleted.");
            if (post.IsHidden == hidden) return Problems.Conflict(hidden ? "This post is already hidden." : "This post is not hidden.");
            await using var tx = await db.BeginWriteAsync(ct);
            post.IsHidden = hidden;
            post.Version = await writes.BumpAsync(post.ThreadId, ct);
            writes.Audit(viewer, hidden ? ModActions.HidePost : ModActions.UnhidePost, ForumWrites.PostTarget(post), reason);
            List<long> resolved = [];
            if (hidden)
            {
                var open = await db.Set<PostFlag>().Where(f => f.PostId == post.Id && f.ResolvedAt == null).ToListAsync(ct);
                foreach (var flag in open)
                {
                    flag.ResolvedAt = writes.Now;
                    flag.ResolvedById = viewer.MemberId;
                    flag.Resolution = FlagResolutions.Hidden;
                    resolved.Add(flag.Id);
                }
            }
            await db.SaveChangesAsync(ct);
            if (hidden) await search.RemoveAsync(db, post.Id, ct);
            else await search.IndexAsync(db, post, post.Seq == 1 ? found.Thread.Title : null, found.Category.Id, ct);
            if (post.Seq == 1) await writes.SetSummaryAsync(post, ct);
            await tx.CommitAsync(ct);
            if (hidden) await writes.TextGoneAsync(post.ThreadId, ct);
            if (resolved.Count > 0) await bus.PublishAsync(ForumLive.ModQueue, ForumLive.FlagsResolved, new FlagsResolvedEvent(resolved), ct);
            return TypedResults.Ok(await writes.AfterPostChangeAsync(post, ct));
        }
    }
}
