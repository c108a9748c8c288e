using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Integrations;
using Community.Web.Infrastructure.Activity;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Forums;

public sealed record ForumAuthorData(string MemberId, string? ExternalId, string UserName);

public sealed record ThreadEventData(long ThreadId, string Title, string Url, int CategoryId, string CategorySlug, ForumAuthorData Author,
    string Excerpt, DateTime CreatedAt);

/// <summary>A post is named by its thread and sequence number (its id is assigned by the insert the event is written with).</summary>
public sealed record PostEventData(long ThreadId, int Seq, string ThreadTitle, string Url, int CategoryId, ForumAuthorData Author, string Excerpt,
    DateTime CreatedAt);

public sealed record AnswerEventData(long ThreadId, string ThreadTitle, long PostId, int Seq, string Url, ForumAuthorData? AnswerAuthor,
    string AcceptedById);

public sealed record FlagEventData(long FlagId, long PostId, long ThreadId, int Seq, string Url, string Reason, string FlaggedById,
    DateTime CreatedAt);

/// <summary>Shapes the forum webhook events. An event from a category only some roles may read is marked private, so it goes
/// only to endpoints that opted in to private-category content.</summary>
public sealed class ForumWebhooks(IWebhookEvents events, PublicUrls urls, IMemberActivity activity, TimeProvider clock)
{
    private const int ExcerptLength = 300;

    public void ThreadCreated(CommunityDb db, ForumThread thread, CategoryInfo category, MemberCard author)
    {
        activity.Report(author.Id, ActivityKind.ThreadStarted, thread.CreatedAt);
        events.Add(db, WebhookTypes.ThreadCreated, new ThreadEventData(thread.Id, thread.Title, Url(thread.Id, thread.Slug, null), category.Id,
            category.Slug, Author(author), thread.Summary, thread.CreatedAt), category.IsPrivate);
    }

    public void PostCreated(CommunityDb db, long threadId, string slug, string title, CategoryInfo category, ForumPost post, MemberCard author,
        string html)
    {
        activity.Report(author.Id, ActivityKind.Replied, post.CreatedAt);
        // The excerpt is the costly part of every reply's event: shaped only when an endpoint will receive it.
        if (!events.Wants(WebhookTypes.PostCreated, category.IsPrivate)) return;
        events.Add(db, WebhookTypes.PostCreated, new PostEventData(threadId, post.Seq, title, Url(threadId, slug, post.Seq), category.Id,
            Author(author), Infrastructure.Markdown.MarkdownRenderer.PlainText(html, ExcerptLength), post.CreatedAt), category.IsPrivate);
    }

    public void AnswerAccepted(CommunityDb db, ForumThread thread, ForumPost answer, MemberCard? answerAuthor, string acceptedBy, bool isPrivate)
    {
        activity.Report(answer.AuthorId, ActivityKind.AnswerAccepted, clock.GetUtcNow().UtcDateTime);
        events.Add(db, WebhookTypes.AnswerAccepted, new AnswerEventData(thread.Id, thread.Title, answer.Id, answer.Seq,
            Url(thread.Id, thread.Slug, answer.Seq), answerAuthor is null ? null : Author(answerAuthor), acceptedBy), isPrivate);
    }

    public void FlagCreated(CommunityDb db, PostFlag flag, ForumPost post, string slug, bool isPrivate)
    {
        activity.Report(post.AuthorId, ActivityKind.FlaggedAgainst, flag.CreatedAt);
        events.Add(db, WebhookTypes.FlagCreated, new FlagEventData(flag.Id, post.Id, post.ThreadId, post.Seq, Url(post.ThreadId, slug, post.Seq),
            flag.Reason, flag.MemberId, flag.CreatedAt), isPrivate);
    }

    private string Url(long threadId, string slug, int? seq) =>
        urls.Absolute(ForumReader.ThreadUrl(threadId, slug) + (seq is { } s ? $"#p{s}" : ""));

    private static ForumAuthorData Author(MemberCard m) => new(m.Id, m.ExternalId, m.UserName);
}
