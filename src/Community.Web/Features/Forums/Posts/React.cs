using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Activity;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>POST /api/posts/{id}/reactions and DELETE /api/posts/{id}/reactions/{kind}: a member adds or takes back a reaction.</summary>
public static class React
{
    private const string Already = "You already reacted with that.";

    public static void Map(IEndpointRouteBuilder members)
    {
        members.MapPost("/posts/{id:long}/reactions", async Task<Results<Created<PostDto>, ProblemHttpResult, ValidationProblem>> (
            long id, ReactionRequest request, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
        {
            var result = await handler.HandleAsync(ForumViewer.From(user), id, request.Kind, add: true, ct);
            return result.Result is Ok<PostDto> ok ? TypedResults.Created($"/api/posts/{id}/reactions/{request.Kind}", ok.Value) : Refusal(result);
        });
        members.MapDelete("/posts/{id:long}/reactions/{kind}", (long id, string kind, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, kind, add: false, ct));
    }

    private static Results<Created<PostDto>, ProblemHttpResult, ValidationProblem> Refusal(
        Results<Ok<PostDto>, ProblemHttpResult, ValidationProblem> r) =>
        r.Result is ValidationProblem invalid ? invalid : (ProblemHttpResult)r.Result;

    public static FieldErrors Validate(string? kind)
    {
        var errors = new FieldErrors();
        if (kind is null || !ReactionKinds.All.ContainsKey(kind)) errors.Add("kind", $"Pick one of: {string.Join(", ", ReactionKinds.All.Keys)}.");
        return errors;
    }

    public sealed class Handler(CommunityDb db, ForumWrites writes, MemberThreadStates states, IMemberActivity activity)
    {
        public async Task<Results<Ok<PostDto>, ProblemHttpResult, ValidationProblem>> HandleAsync(
            ForumViewer viewer, long postId, string? kind, bool add, CancellationToken ct)
        {
            if (Validate(kind) is { Any: true } errors) return errors.ToProblem();
            var (found, refused) = await writes.PostForWriteAsync(viewer, postId, ct);
            if (refused is not null) return refused;
            var post = found!.Post;
            if (post.IsDeleted || post.IsHidden) return Problems.Conflict("This post is not visible.");
            var me = viewer.MemberId!;
            await using var tx = await db.BeginWriteAsync(ct);
            var existing = await db.Set<PostReaction>().FirstOrDefaultAsync(r => r.PostId == postId && r.MemberId == me && r.Kind == kind, ct);
            if (add && existing is not null) return Problems.Conflict(Already);
            if (!add && existing is null) return ForumProblems.NotFound("reaction");
            if (add) db.Add(new PostReaction { PostId = postId, MemberId = me, Kind = kind!, CreatedAt = writes.Now });
            else db.Remove(existing!);
            post.Version = await writes.BumpAsync(post.ThreadId, ct);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                return Problems.Conflict(Already); // the same reaction, added at the same moment from another tab
            }
            await tx.CommitAsync(ct);
            states.Changed(me);
            if (add) activity.Report(me, ActivityKind.Voted, writes.Now);
            return TypedResults.Ok(await writes.AfterPostChangeAsync(post, ct));
        }
    }
}
