using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>DELETE /api/threads/{id}: its author while nobody has replied, or a moderator (audited) at any time.</summary>
public static class DeleteThread
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder members) =>
        members.MapDelete("/threads/{id:long}", (long id, string? reason, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, reason, ct));

    public sealed class Handler(CommunityDb db, ForumReader reader, ForumWrites writes, ILiveBus bus, IForumSearch search)
    {
        public async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(ForumViewer viewer, long threadId, string? reason, CancellationToken ct)
        {
            if (await reader.ThreadAsync(threadId, viewer, ct) is not { } found) return ForumProblems.NotFound();
            var (actor, refused) = await writes.ActorAsync(viewer, posting: false, ct);
            if (refused is not null) return refused;
            var isAuthor = found.Thread.Author.UserName == actor!.UserName;
            if (!viewer.IsModerator && !(isAuthor && found.Thread.LastSeq == 1))
                return Problems.Forbidden(isAuthor ? "This thread has replies; ask a moderator to remove it."
                    : "You can only delete your own threads.");
            await using var tx = await db.BeginWriteAsync(ct);
            var version = await writes.BumpAsync(threadId, ct);
            var thread = await db.Set<ForumThread>().FirstAsync(t => t.Id == threadId, ct);
            thread.IsDeleted = true;
            thread.Version = version;
            if (!isAuthor) writes.Audit(viewer, ModActions.DeleteThread, $"thread {threadId} “{thread.Title}”", reason);
            await db.SaveChangesAsync(ct);
            await writes.CountAsync(thread.CategoryId, threads: -1, posts: 0, activity: null, ct);
            await search.RemoveThreadAsync(db, threadId, ct);
            await tx.CommitAsync(ct);
            reader.ThreadChanged(threadId);
            await bus.PublishAsync(ForumLive.Thread(threadId), ForumLive.ThreadDeleted, new ThreadDeletedEvent(threadId), ct);
            await bus.PublishAsync(ForumLive.Category(thread.CategoryId), ForumLive.ThreadDeleted, new ThreadDeletedEvent(threadId), ct);
            return TypedResults.NoContent();
        }
    }
}
