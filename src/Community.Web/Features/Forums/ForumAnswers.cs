using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>A Q&amp;A thread with its accepted answer, as Markdown, for another feature to build on (the knowledge base promotes it).</summary>
public sealed record SolvedQuestion(long ThreadId, string Title, string Summary, string Url, string QuestionMarkdown, string AnswerMarkdown,
    string AnswererId, int AnswerSeq);

/// <summary>A notification added in the caller's transaction, to deliver live once it commits.</summary>
public sealed class PendingNotification
{
    internal PendingNotification(List<ForumNotification> notes) => Notes = notes;

    internal List<ForumNotification> Notes { get; }
}

/// <summary>What other features may ask of solved threads, without reading the forum's tables.</summary>
public interface IForumAnswers
{
    /// <summary>The thread when the viewer may read it and it has a visible accepted answer; otherwise null.</summary>
    Task<SolvedQuestion?> SolvedAsync(ForumViewer viewer, long threadId, CancellationToken ct);

    /// <summary>
    /// Adds an in-app notification about a post to the member (only when they may read its thread), saved with the caller's
    /// SaveChanges, so it commits with the caller's change. Call <see cref="DeliverAsync"/> after commit.
    /// </summary>
    Task<PendingNotification?> NotifyAsync(string memberId, long threadId, int seq, string kind, string text, CancellationToken ct);

    /// <summary>Sends what <see cref="NotifyAsync"/> added to the member's open pages (live), after the caller's commit.</summary>
    Task DeliverAsync(PendingNotification? notification, CancellationToken ct);
}

internal sealed class ForumAnswers(CommunityDb db, ForumReader reader, ForumWrites writes) : IForumAnswers
{
    public async Task<SolvedQuestion?> SolvedAsync(ForumViewer viewer, long threadId, CancellationToken ct)
    {
        var thread = await db.Set<ForumThread>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == threadId && !t.IsDeleted, ct);
        if (thread?.AcceptedSeq is not { } accepted) return null;
        if (!(await reader.CategoriesAsync(ct)).TryGetValue(thread.CategoryId, out var category) || !viewer.CanRead(category)) return null;
        var posts = await db.Set<ForumPost>().AsNoTracking()
            .Where(p => p.ThreadId == threadId && (p.Seq == 1 || p.Seq == accepted) && !p.IsHidden && !p.IsDeleted).ToListAsync(ct);
        var question = posts.FirstOrDefault(p => p.Seq == 1);
        var answer = posts.FirstOrDefault(p => p.Seq == accepted);
        if (question is null || answer is null) return null;
        return new SolvedQuestion(thread.Id, thread.Title, thread.Summary, ForumReader.ThreadUrl(thread.Id, thread.Slug), question.Body, answer.Body,
            answer.AuthorId, answer.Seq);
    }

    public async Task<PendingNotification?> NotifyAsync(string memberId, long threadId, int seq, string kind, string text, CancellationToken ct)
    {
        var thread = await db.Set<ForumThread>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == threadId && !t.IsDeleted, ct);
        if (thread is null || !(await reader.CategoriesAsync(ct)).TryGetValue(thread.CategoryId, out var category)) return null;
        if ((await writes.ReadersAsync([memberId], category, ct)).Count == 0) return null;
        return new PendingNotification(writes.Notify([memberId], kind, threadId, thread.Slug, seq, text));
    }

    public Task DeliverAsync(PendingNotification? notification, CancellationToken ct) =>
        notification is null ? Task.CompletedTask : writes.PublishNotesAsync(notification.Notes, ct);
}
