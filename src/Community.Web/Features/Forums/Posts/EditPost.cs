using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// Editing a post: its Markdown for the editor (GET /api/posts/{id}/source), the edit itself (PUT /api/posts/{id}), which keeps
/// the previous text as a revision, and the edit history (GET /api/posts/{id}/revisions).
/// </summary>
public static class EditPost
{
    private const string OwnOnly = "You can only edit your own posts.";

    public static void Map(IEndpointRouteBuilder api, IEndpointRouteBuilder members)
    {
        members.MapPut("/posts/{id:long}", (long id, PostBodyRequest request, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, request, ct));
        members.MapGet("/posts/{id:long}/source", async Task<Results<Ok<PostSource>, ProblemHttpResult>> (
            long id, HttpContext http, CommunityDb db, ForumReader reader, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            var viewer = ForumViewer.From(http.User);
            if (await VisiblePostAsync(db, reader, viewer, id, ct) is not { } post) return ForumProblems.NotFound("post");
            if (post.AuthorId != viewer.MemberId && !viewer.IsModerator) return Problems.Forbidden(OwnOnly);
            return TypedResults.Ok(new PostSource(post.Body));
        });
        api.MapGet("/posts/{id:long}/revisions", async Task<Results<Ok<List<RevisionDto>>, ProblemHttpResult>> (
            long id, ClaimsPrincipal user, CommunityDb db, ForumReader reader, IMemberDirectory members, CancellationToken ct) =>
        {
            var viewer = ForumViewer.From(user);
            var post = await VisiblePostAsync(db, reader, viewer, id, ct);
            if (post is null || ((post.IsHidden || post.IsDeleted) && !viewer.IsModerator)) return ForumProblems.NotFound("post");
            var revisions = await db.Set<PostRevision>().AsNoTracking().Where(r => r.PostId == id).OrderByDescending(r => r.Id).ToListAsync(ct);
            var editors = await members.FindManyAsync(revisions.Select(r => r.EditorId), ct);
            return TypedResults.Ok(revisions.Where(r => editors.ContainsKey(r.EditorId))
                .Select(r => new RevisionDto(r.Body, r.CreatedAt, editors[r.EditorId].DisplayName)).ToList());
        });
    }

    /// <summary>The post, if the viewer may read its thread.</summary>
    private static async Task<ForumPost?> VisiblePostAsync(CommunityDb db, ForumReader reader, ForumViewer viewer, long id, CancellationToken ct)
    {
        var post = await db.Set<ForumPost>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return post is not null && await reader.ThreadAsync(post.ThreadId, viewer, ct) is not null ? post : null;
    }

    public sealed class Handler(CommunityDb db, ForumWrites writes, IForumSearch search, IMemberDirectory members)
    {
        public async Task<Results<Ok<PostDto>, ProblemHttpResult, ValidationProblem>> HandleAsync(
            ForumViewer viewer, long postId, PostBodyRequest request, CancellationToken ct)
        {
            if (ReplyToThread.Validate(request, "Post") is { Any: true } errors) return errors.ToProblem();
            var (found, refused) = await writes.PostForWriteAsync(viewer, postId, ct);
            if (refused is not null) return refused;
            var post = found!.Post;
            if (post.AuthorId != viewer.MemberId && !viewer.IsModerator) return Problems.Forbidden(OwnOnly);
            if (post.IsDeleted) return Problems.Conflict("This post was deleted.");
            if (found.Thread.Locked && !viewer.IsModerator) return Problems.Conflict("This thread is locked.");
            var (editor, limited) = await writes.ActorAsync(viewer, posting: true, ct);
            if (limited is not null) return limited;
            if (post.Body == request.Body) return TypedResults.Ok(await ForumReader.PostAsync(db, members, post.Id, ct));
            var (rendered, rejected) = await writes.RenderAsync(request.Body!, ct);
            if (rejected is not null) return rejected;
            var now = writes.Now;
            await using var tx = await db.BeginWriteAsync(ct);
            db.Add(new PostRevision { PostId = post.Id, EditorId = editor!.Id, Body = post.Body, CreatedAt = now });
            post.Body = request.Body!;
            post.Html = rendered!.Html;
            post.EditedAt = now;
            post.Version = await writes.BumpAsync(post.ThreadId, ct);
            await db.SaveChangesAsync(ct);
            if (post.Seq == 1) await writes.SetSummaryAsync(post, ct);
            if (!post.IsHidden) await search.IndexAsync(db, post, post.Seq == 1 ? found.Thread.Title : null, found.Category.Id, ct);
            await tx.CommitAsync(ct);
            return TypedResults.Ok(await writes.AfterPostChangeAsync(post, ct));
        }
    }
}
