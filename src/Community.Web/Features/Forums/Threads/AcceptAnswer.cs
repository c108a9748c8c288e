using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// POST /api/threads/{id}/accept picks the reply that answered a Q&amp;A thread (its author is told); DELETE takes it back.
/// Only the person who asked, or a moderator.
/// </summary>
public static class AcceptAnswer
{
    public static void Map(IEndpointRouteBuilder members)
    {
        members.MapPost("/threads/{id:long}/accept", async Task<Results<Ok<ThreadDto>, ProblemHttpResult, ValidationProblem>> (
            long id, AcceptRequest request, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            request.Seq is null ? ForumProblems.Invalid("seq", "Pick a reply.") : await handler.HandleAsync(ForumViewer.From(user), id,
                request.Seq, ct));
        members.MapDelete("/threads/{id:long}/accept", (long id, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, null, ct));
    }

    public sealed class Handler(CommunityDb db, ForumReader reader, ForumWrites writes, ForumWebhooks webhooks, IMemberDirectory members)
    {
        public async Task<Results<Ok<ThreadDto>, ProblemHttpResult, ValidationProblem>> HandleAsync(ForumViewer viewer, long threadId, int? seq,
            CancellationToken ct)
        {
            if (await reader.ThreadAsync(threadId, viewer, ct) is not { } found) return ForumProblems.NotFound();
            var (actor, refused) = await writes.ActorAsync(viewer, posting: false, ct);
            if (refused is not null) return refused;
            if (found.Thread.Author.UserName != actor!.UserName
                && !viewer.IsModerator) return Problems.Forbidden("Only the person who asked can accept an answer.");
            if (!found.Category.IsQa) return Problems.Conflict("Answers can only be accepted in Q&A categories.");
            await using var tx = await db.BeginWriteAsync(ct);
            var version = await writes.BumpAsync(threadId, ct);
            var thread = await db.Set<ForumThread>().FirstAsync(t => t.Id == threadId, ct);
            ForumPost? answer = null;
            if (seq is { } s)
            {
                answer = await db.Set<ForumPost>().AsNoTracking().FirstOrDefaultAsync(p => p.ThreadId == threadId && p.Seq == s, ct);
                if (answer is null || s == 1) return ForumProblems.Invalid("seq", "Pick a reply in this thread.");
                if (answer.IsDeleted || answer.IsHidden) return Problems.Conflict("That reply is not visible.");
            }
            thread.AcceptedSeq = seq;
            thread.Version = version;
            List<ForumNotification> notes = [];
            if (answer is not null && answer.AuthorId != actor.Id && (await writes.ReadersAsync([answer.AuthorId], found.Category, ct)).Count > 0)
            {
                notes = writes.Notify([answer.AuthorId], NotificationKinds.Answer, thread.Id, thread.Slug, answer.Seq,
                    $"Your reply was accepted as the answer to “{thread.Title}”");
            }
            if (answer is not null)
            {
                var answerAuthor = answer.AuthorId == actor.Id ? actor : await members.FindAsync(answer.AuthorId, ct);
                webhooks.AnswerAccepted(db, thread, answer, answerAuthor, actor.Id, found.Category.IsPrivate);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            var dto = await writes.AfterThreadChangeAsync(threadId, ct);
            await writes.PublishNotesAsync(notes, ct);
            return TypedResults.Ok(dto);
        }
    }
}
