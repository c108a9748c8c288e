using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>What trust levels are computed from: replies written, posts read (the read marks), and flags others raised against the
/// member's posts that were not dismissed.</summary>
public sealed record ForumTrustFacts(int Replies, long PostsRead, int FlagsAgainst);

/// <summary>What the forum's badges are granted for.</summary>
public sealed record ForumBadgeFacts(int Posts, int AcceptedAnswers, int WelcomedThreads, int IdeasShipped);

/// <summary>A post on a member's profile.</summary>
public sealed record MemberPostItem(long PostId, string ThreadTitle, string Url, DateTime CreatedAt, string Excerpt, bool Accepted);

/// <summary>A member's posts as one viewer may see them: counts and the latest posts and accepted answers.</summary>
public sealed record MemberPosts(int PostCount, int AnswerCount, List<MemberPostItem> Recent, List<MemberPostItem> Answers);

/// <summary>What other features (recognition, profiles) may know of a member's forum activity, without reading the forum's tables.
/// Each method is a few grouped queries for many members at once: never one query per member.</summary>
public interface IForumMemberFacts
{
    /// <summary>Facts of <paramref name="memberIds"/>, or of every member with any forum activity when null. Members without any
    /// activity are left out.</summary>
    Task<Dictionary<string, ForumTrustFacts>> TrustFactsAsync(IReadOnlyCollection<string>? memberIds, CancellationToken ct);

    Task<Dictionary<string, ForumBadgeFacts>> BadgeFactsAsync(IReadOnlyCollection<string>? memberIds, CancellationToken ct);

    /// <summary>The member's visible posts in threads <paramref name="viewer"/> may read: never a post of a category they may not read.</summary>
    Task<MemberPosts> PostsOfAsync(string memberId, ForumViewer viewer, int take, CancellationToken ct);
}

internal sealed class ForumMemberFacts(CommunityDb db, ForumReader reader) : IForumMemberFacts
{
    public async Task<Dictionary<string, ForumTrustFacts>> TrustFactsAsync(IReadOnlyCollection<string>? memberIds, CancellationToken ct)
    {
        var posts = Posts(memberIds).Where(p => p.Seq > 1).GroupBy(p => p.AuthorId).Select(g => new { g.Key, Count = g.Count() });
        var replies = await posts.ToDictionaryAsync(r => r.Key, r => r.Count, StringComparer.Ordinal, ct);
        var reads = db.Set<ThreadRead>().AsNoTracking();
        if (memberIds is not null) reads = reads.Where(r => memberIds.Contains(r.MemberId));
        var read = await reads.GroupBy(r => r.MemberId).Select(g => new { g.Key, Sum = g.Sum(r => (long)r.LastReadSeq) })
            .ToDictionaryAsync(r => r.Key, r => r.Sum, StringComparer.Ordinal, ct);
        var flags = await (from f in db.Set<PostFlag>().AsNoTracking()
                           join p in Posts(memberIds) on f.PostId equals p.Id
                           where f.Resolution == null || f.Resolution != FlagResolutions.Dismissed
                           group f by p.AuthorId into g
                           select new { g.Key, Count = g.Count() }).ToDictionaryAsync(r => r.Key, r => r.Count, StringComparer.Ordinal, ct);
        return replies.Keys.Union(read.Keys).Union(flags.Keys).ToDictionary(id => id,
            id => new ForumTrustFacts(replies.GetValueOrDefault(id), read.GetValueOrDefault(id), flags.GetValueOrDefault(id)),
            StringComparer.Ordinal);
    }

    public async Task<Dictionary<string, ForumBadgeFacts>> BadgeFactsAsync(IReadOnlyCollection<string>? memberIds, CancellationToken ct)
    {
        var posts = await Posts(memberIds).Where(p => !p.IsHidden).GroupBy(p => p.AuthorId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(r => r.Key, r => r.Count, StringComparer.Ordinal, ct);
        var threads = db.Set<ForumThread>().AsNoTracking().Where(t => !t.IsDeleted);
        // An answer counts when someone else accepted it: accepting one's own reply earns nothing.
        var accepted = await (from t in threads
                              join p in Posts(memberIds) on new { t.Id, Seq = t.AcceptedSeq ?? 0 } equals new { Id = p.ThreadId, p.Seq }
                              where t.AcceptedSeq != null && p.AuthorId != t.AuthorId && !p.IsHidden
                              group p by p.AuthorId into g
                              select new { g.Key, Count = g.Count() }).ToDictionaryAsync(r => r.Key, r => r.Count, StringComparer.Ordinal, ct);
        // A welcome: the first reply by anyone but the author in a thread that was its author's first thread.
        var welcomed = await (from p in Posts(memberIds)
                              join t in threads on p.ThreadId equals t.Id
                              where p.Seq > 1 && p.AuthorId != t.AuthorId
                                  && !db.Set<ForumThread>().Any(o => o.AuthorId == t.AuthorId && o.Id < t.Id)
                                  && !db.Set<ForumPost>().Any(o => o.ThreadId == t.Id && o.Seq > 1 && o.Seq < p.Seq && o.AuthorId != t.AuthorId)
                              group p by p.AuthorId into g
                              select new { g.Key, Count = g.Count() }).ToDictionaryAsync(r => r.Key, r => r.Count, StringComparer.Ordinal, ct);
        var ideaThreads = db.Set<ForumThread>().AsNoTracking().Where(t => !t.IsDeleted);
        if (memberIds is not null) ideaThreads = ideaThreads.Where(t => memberIds.Contains(t.AuthorId));
        var shipped = await (from i in db.Set<Idea>().AsNoTracking()
                             join t in ideaThreads on i.ThreadId equals t.Id
                             where i.Status == IdeaStatuses.Shipped
                             group t by t.AuthorId into g
                             select new { g.Key, Count = g.Count() }).ToDictionaryAsync(r => r.Key, r => r.Count, StringComparer.Ordinal, ct);
        return posts.Keys.Union(shipped.Keys).ToDictionary(id => id, id => new ForumBadgeFacts(posts.GetValueOrDefault(id),
            accepted.GetValueOrDefault(id), welcomed.GetValueOrDefault(id), shipped.GetValueOrDefault(id)), StringComparer.Ordinal);
    }

    public async Task<MemberPosts> PostsOfAsync(string memberId, ForumViewer viewer, int take, CancellationToken ct)
    {
        var readable = (await reader.CategoriesAsync(ct)).Values.Where(viewer.CanRead).Select(c => c.Id).ToList();
        var rows = from p in db.Set<ForumPost>().AsNoTracking()
                   join t in db.Set<ForumThread>().AsNoTracking() on p.ThreadId equals t.Id
                   where p.AuthorId == memberId && !p.IsDeleted && !p.IsHidden && !t.IsDeleted && readable.Contains(t.CategoryId)
                   select new { p.Id, p.ThreadId, p.Seq, p.Html, p.CreatedAt, t.Title, t.Slug, t.AcceptedSeq, t.AuthorId };
        var answers = rows.Where(r => r.AcceptedSeq == r.Seq && r.AuthorId != memberId);
        var count = await rows.CountAsync(ct);
        var answerCount = await answers.CountAsync(ct);
        var recent = await rows.OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
        var accepted = await answers.OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
        MemberPostItem Item(long id, long threadId, int seq, string html, DateTime at, string title, string slug, int? acceptedSeq) =>
            new(id, title, $"{ForumReader.ThreadUrl(threadId, slug)}#p{seq}", at, Infrastructure.Markdown.MarkdownRenderer.PlainText(html, 200),
                acceptedSeq == seq);
        return new MemberPosts(count, answerCount,
            [.. recent.Select(r => Item(r.Id, r.ThreadId, r.Seq, r.Html, r.CreatedAt, r.Title, r.Slug, r.AcceptedSeq))],
            [.. accepted.Select(r => Item(r.Id, r.ThreadId, r.Seq, r.Html, r.CreatedAt, r.Title, r.Slug, r.AcceptedSeq))]);
    }

    private IQueryable<ForumPost> Posts(IReadOnlyCollection<string>? memberIds)
    {
        var posts = db.Set<ForumPost>().AsNoTracking().Where(p => !p.IsDeleted);
        return memberIds is null ? posts : posts.Where(p => memberIds.Contains(p.AuthorId));
    }
}
