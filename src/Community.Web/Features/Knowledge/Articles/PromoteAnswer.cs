using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Forums;
using Community.Web.Features.Publishing;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge.Articles;

public sealed record PromoteInput(long? ThreadId, int? SectionId);

/// <summary>
/// POST /api/kb/promote: a moderator turns a solved thread's question and accepted answer into a draft article that links back
/// to the thread and credits the answerer, who is told in-app (through the forum's notifications, in the same transaction).
/// A thread is promoted once (unique index on the source thread): a repeat answers 409 with the existing article.
/// </summary>
internal static class PromoteAnswer
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/promote", HandleAsync).RequireAuthorization(Policies.Moderate);

    private static async Task<Results<Created<ArticleDto>, ValidationProblem, ProblemHttpResult>> HandleAsync(PromoteInput input, HttpContext http,
        CommunityDb db, IForumAnswers forum, IMemberDirectory members, StoryMarkdown markdown, TimeProvider clock, CancellationToken ct)
    {
        if (input.ThreadId is not { } threadId) return new FieldErrors().Add("threadId", "Choose a solved thread.").ToProblem();
        var viewer = ForumViewer.From(http.User);
        var solved = await forum.SolvedAsync(viewer, threadId, ct);
        if (solved is null)
            return new FieldErrors().Add("threadId", "Only a thread you can read with an accepted answer can be promoted.").ToProblem();
        if (await db.Set<KbArticle>().AsNoTracking().FirstOrDefaultAsync(a => a.SourceThreadId == threadId, ct) is { } existing)
            return Conflict(existing);
        var answerer = await members.FindAsync(solved.AnswererId, ct);
        var credit = answerer is null ? "" : $"Answered by [{answerer.DisplayName}](/u/{Uri.EscapeDataString(answerer.UserName)}) in ";
        var body = $"{solved.QuestionMarkdown.Trim()}\n\n## Answer\n\n{solved.AnswerMarkdown.Trim()}\n\n---\n\n*{credit}"
            + $"[the community thread]({solved.Url}#p{solved.AnswerSeq}).*\n";
        var summary = solved.Summary.Length > KbRules.SummaryMax ? solved.Summary[..(KbRules.SummaryMax - 1)] + "…" : solved.Summary;
        var (errors, html) = await ArticleRules.ValidateAsync(new ArticleInput(input.SectionId, null, solved.Title, summary, body), db, markdown, ct);
        if (errors.Any) return errors.ToProblem("The thread cannot become an article as it is.");

        var now = clock.GetUtcNow().UtcDateTime;
        PendingNotification? note;
        KbArticle article;
        await using (var write = await db.BeginWriteAsync(ct))
        {
            article = new KbArticle
            {
                SectionId = input.SectionId!.Value, Slug = await ArticleRules.FreeSlugAsync(db, Slugs.From(solved.Title), ct),
                Title = solved.Title.Length > KbRules.TitleMax ? solved.Title[..KbRules.TitleMax] : solved.Title, Summary = summary,
                Body = body, Html = html, Status = KbStatus.Draft, SourceThreadId = threadId, SourceUrl = solved.Url,
                CreditMemberId = solved.AnswererId, AuthorId = viewer.MemberId, CreatedAt = now, UpdatedAt = now,
            };
            db.Add(article);
            note = await forum.NotifyAsync(solved.AnswererId, threadId, solved.AnswerSeq, NotificationKinds.Promoted,
                $"Your answer in “{solved.Title}” is becoming a knowledge-base article. Thank you!", ct);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // Promoted at the same moment elsewhere: one article, one notification.
                db.ChangeTracker.Clear();
                return Conflict(await db.Set<KbArticle>().AsNoTracking().FirstAsync(a => a.SourceThreadId == threadId, ct));
            }
            await ArticleRules.AddRevisionAsync(db, article, viewer.MemberId, now, ct);
            await write.CommitAsync(ct);
        }
        await forum.DeliverAsync(note, ct);
        return TypedResults.Created($"/api/kb/articles/{article.Id}", await ArticleRules.DtoAsync(db, article, ct));
    }

    private static ProblemHttpResult Conflict(KbArticle existing) => Problems.Conflict("This thread is already an article.",
        new Dictionary<string, object?> { ["articleId"] = existing.Id });
}
