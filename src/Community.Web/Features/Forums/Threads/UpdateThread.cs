using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// PATCH /api/threads/{id}: the author or a moderator renames a thread; moderators lock, pin or move it. Every moderator
/// change is audited; a move re-checks who may stay in the thread's live group, on every server.
/// </summary>
public static class UpdateThread
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder members) =>
        members.MapPatch("/threads/{id:long}", (long id, ThreadPatchRequest request, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, request, ct));

    public sealed class Handler(CommunityDb db, ForumReader reader, ForumWrites writes, ILiveBus bus, IForumSearch search)
    {
        public async Task<Results<Ok<ThreadDto>, ProblemHttpResult, ValidationProblem>> HandleAsync(
            ForumViewer viewer, long threadId, ThreadPatchRequest request, CancellationToken ct)
        {
            if (await reader.ThreadAsync(threadId, viewer, ct) is not { } found) return ForumProblems.NotFound();
            var (actor, refused) = await writes.ActorAsync(viewer, posting: false, ct);
            if (refused is not null) return refused;
            var isAuthor = found.Thread.Author.UserName == actor!.UserName;
            if ((request.Locked ?? request.Pinned ?? (object?)request.CategoryId) is not null && !viewer.IsModerator)
                return Problems.Forbidden("Only moderators can lock, pin or move threads.");
            if (request.Title is not null && !isAuthor
                && !viewer.IsModerator) return Problems.Forbidden("Only the author or a moderator can rename a thread.");
            var errors = new FieldErrors();
            if (request.Title is not null) errors.Text("title", request.Title, ForumWrites.TitleMin, ForumWrites.TitleMax, "Title");
            CategoryInfo? target = null;
            if (request.CategoryId is { } cid && (!(await reader.CategoriesAsync(ct)).TryGetValue(cid, out target) || !viewer.CanRead(target)))
                errors.Add("categoryId", "No such category.");
            if (errors.Any) return errors.ToProblem();

            await using var tx = await db.BeginWriteAsync(ct);
            var version = await writes.BumpAsync(threadId, ct);
            var thread = await db.Set<ForumThread>().FirstAsync(t => t.Id == threadId, ct);
            var reason = request.Reason?.Trim() ?? "";
            var what = $"thread {threadId} “{thread.Title}”";
            if (request.Title is not null && request.Title.Trim() != thread.Title)
            {
                thread.Title = request.Title.Trim();
                thread.Slug = ForumWrites.Slugify(thread.Title);
                if (!isAuthor) writes.Audit(viewer, ModActions.RenameThread, what, reason);
            }
            if (request.Locked is { } locked && locked != thread.IsLocked)
            {
                thread.IsLocked = locked;
                writes.Audit(viewer, locked ? ModActions.Lock : ModActions.Unlock, what, reason);
            }
            if (request.Pinned is { } pinned && pinned != thread.IsPinned)
            {
                thread.IsPinned = pinned;
                writes.Audit(viewer, pinned ? ModActions.Pin : ModActions.Unpin, what, reason);
            }
            var from = thread.CategoryId;
            if (target is not null && target.Id != thread.CategoryId)
            {
                var posts = await db.Set<ForumPost>().CountAsync(p => p.ThreadId == threadId, ct);
                await writes.CountAsync(from, threads: -1, posts: -posts, activity: null, ct);
                await writes.CountAsync(target.Id, threads: 1, posts: posts, activity: null, ct);
                thread.CategoryId = target.Id;
                writes.Audit(viewer, ModActions.Move, what, $"to {target.Name}. {reason}".Trim());
                await search.MoveThreadAsync(db, threadId, target.Id, ct);
            }
            thread.Version = version;
            await db.SaveChangesAsync(ct);
            await search.RetitleAsync(db, threadId, thread.Title, ct);
            await tx.CommitAsync(ct);
            if (thread.CategoryId != from)
            {
                // Before anything more goes to the thread's group: connections that may not read the new category leave it, on every server.
                reader.ThreadChanged(threadId);
                await bus.PublishAsync(LiveGroups.Servers, ForumLiveAccess.Signal, new ForumAccessChanged(threadId, thread.CategoryId, false), ct);
            }
            return TypedResults.Ok(await writes.AfterThreadChangeAsync(threadId, ct));
        }
    }
}
