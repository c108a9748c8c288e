using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Forums;

/// <summary>DELETE /api/posts/{id}: the author (or a moderator, audited) deletes a post; it keeps its place in the thread.</summary>
public static class DeletePost
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder members) =>
        members.MapDelete("/posts/{id:long}", (long id, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, ct));

    public sealed class Handler(CommunityDb db, ForumWrites writes, IForumSearch search)
    {
        public async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(ForumViewer viewer, long postId, CancellationToken ct)
        {
            var (found, refused) = await writes.PostForWriteAsync(viewer, postId, ct);
            if (refused is not null) return refused;
            var post = found!.Post;
            if (post.AuthorId != viewer.MemberId && !viewer.IsModerator) return Problems.Forbidden("You can only delete your own posts.");
            if (post.IsDeleted) return Problems.Conflict("This post is already deleted.");
            await using var tx = await db.BeginWriteAsync(ct);
            post.IsDeleted = true;
            post.Version = await writes.BumpAsync(post.ThreadId, ct);
            await db.SaveChangesAsync(ct);
            await search.RemoveAsync(db, post.Id, ct);
            if (post.Seq == 1) await writes.SetSummaryAsync(post, ct);
            if (post.AuthorId != viewer.MemberId) writes.Audit(viewer, ModActions.DeletePost, ForumWrites.PostTarget(post), "");
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            await writes.TextGoneAsync(post.ThreadId, ct);
            await writes.AfterPostChangeAsync(post, ct);
            return TypedResults.NoContent();
        }
    }
}
