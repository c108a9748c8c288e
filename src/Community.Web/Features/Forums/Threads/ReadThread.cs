using System.Security.Claims;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// Reading a thread: its header (GET /api/threads/{id}), a window of posts (GET /api/threads/{id}/posts, also the catch-up
/// after a reconnect) and the reader's own state in it (GET /api/threads/{id}/me).
/// </summary>
public static class ReadThread
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/threads/{id:long}", async Task<Results<Ok<ThreadDto>, ProblemHttpResult>> (long id, ClaimsPrincipal user, ForumReader reader,
            CancellationToken ct) =>
            await reader.ThreadAsync(id, ForumViewer.From(user), ct) is { } found ? TypedResults.Ok(found.Thread) : ForumProblems.NotFound());
        api.MapGet("/threads/{id:long}/posts", PostsAsync);
        // Called once per thread view: every reaction of the member in the thread, from memory after the first call.
        api.MapGet("/threads/{id:long}/me", async Task<Results<Ok<ViewerState>, ProblemHttpResult>> (long id, HttpContext http, ForumReader reader,
            MemberThreadStates states, CancellationToken ct) =>
        {
            var viewer = ForumViewer.From(http.User);
            if (await reader.ThreadAsync(id, viewer, ct) is not { } found) return ForumProblems.NotFound();
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(await states.GetAsync(viewer, found.Thread, http.User.Identity?.Name, ct));
        });
    }

    private static async Task<IResult> PostsAsync(long id, int? after, int? before, int? limit, ClaimsPrincipal user, ForumReader reader,
        CommunityDb db,
        CancellationToken ct)
    {
        var viewer = ForumViewer.From(user);
        if (await reader.ThreadAsync(id, viewer, ct) is null) return ForumProblems.NotFound();
        var size = Math.Clamp(limit ?? reader.Options.WindowSize, 1, 100);
        if (!viewer.IsModerator) return Json(await reader.WindowBytesAsync(id, after, before, size, ct));
        // Moderators also see what hidden posts said.
        var window = await reader.WindowAsync(id, after, before, size, ct);
        var hidden = window.Posts.Where(p => p.Hidden && !p.Deleted).Select(p => p.Id).ToList();
        if (hidden.Count == 0) return TypedResults.Ok(window);
        var html = await db.Set<ForumPost>().AsNoTracking().Where(p => hidden.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Html, ct);
        return TypedResults.Ok(window with { Posts = [.. window.Posts.Select(p => html.TryGetValue(p.Id, out var h) ? p with { Html = h } : p)] });
    }

    /// <summary>Ready JSON from the cache: the hot path serialises once per thread generation.</summary>
    public static FileContentHttpResult Json(byte[] utf8) => TypedResults.Bytes(utf8, "application/json; charset=utf-8");
}
