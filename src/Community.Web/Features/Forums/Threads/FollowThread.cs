using System.Security.Claims;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// A member's own place in a thread: PUT /api/threads/{id}/read moves their read mark forward, PUT and DELETE
/// /api/threads/{id}/watch start and stop notifications of replies.
/// </summary>
public static class FollowThread
{
    public static void Map(IEndpointRouteBuilder members)
    {
        members.MapPut("/threads/{id:long}/read", async Task<Results<NoContent, ProblemHttpResult>> (
            long id, ReadRequest request, ClaimsPrincipal user, ForumReader reader, ForumWrites writes, MemberThreadStates states,
                CancellationToken ct) =>
        {
            var viewer = ForumViewer.From(user);
            if (await reader.ThreadAsync(id, viewer, ct) is not { } found) return ForumProblems.NotFound();
            var seq = Math.Clamp(request.Seq ?? 0, 0, found.Thread.LastSeq);
            await writes.MarkReadAsync(viewer.MemberId!, id, seq, ct);
            states.Read(viewer.MemberId!, id, seq);
            return TypedResults.NoContent();
        });
        members.MapPut("/threads/{id:long}/watch", (long id, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.WatchAsync(ForumViewer.From(user), id, true, ct));
        members.MapDelete("/threads/{id:long}/watch", (long id, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.WatchAsync(ForumViewer.From(user), id, false, ct));
    }

    public sealed class Handler(CommunityDb db, ForumReader reader, ForumWrites writes, MemberThreadStates states)
    {
        public async Task<Results<NoContent, ProblemHttpResult>> WatchAsync(ForumViewer viewer, long threadId, bool watch, CancellationToken ct)
        {
            if (await reader.ThreadAsync(threadId, viewer, ct) is null) return ForumProblems.NotFound();
            var me = viewer.MemberId!;
            if (watch) await writes.WatchAsync(me, threadId, ct);
            else await db.Set<ThreadWatch>().Where(w => w.ThreadId == threadId && w.MemberId == me).ExecuteDeleteAsync(ct);
            states.Changed(me);
            return TypedResults.NoContent();
        }
    }
}
