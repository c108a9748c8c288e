using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Recognition;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Markdown;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>A post with the thread and category it sits in, as a write found it (the post is tracked).</summary>
public sealed record PostInThread(ForumPost Post, ThreadDto Thread, CategoryInfo Category);

/// <summary>Post text rendered to safe HTML, and the members it mentions.</summary>
public sealed record RenderedPost(string Html, IReadOnlyList<MemberCard> Mentioned);

/// <summary>The forum's refusals, built on the app's one set of problem answers.</summary>
public static class ForumProblems
{
    public static ProblemHttpResult NotFound(string what = "thread") => Problems.NotFound($"No such {what}, or you cannot see it.");

    public static ValidationProblem Invalid(string field, string message) => new FieldErrors().Add(field, message).ToProblem();

    /// <summary>A body the member may not post as it is (links below the trust level for them): a 400 with the body field.</summary>
    public static ProblemHttpResult BodyRefused(string message) => Problems.BadRequest(message,
        new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = new FieldErrors().Add("body", message).ToDictionary() });

    /// <summary>Markdown the renderer refused (too large, nested too deeply), reported against the body field.</summary>
    public static ProblemHttpResult Rejected(MarkdownRejectedException m)
    {
        var errors = new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = new FieldErrors().Add("body", m.Message).ToDictionary() };
        return m.Status == StatusCodes.Status413PayloadTooLarge ? Problems.PayloadTooLarge(m.Message, errors) : Problems.BadRequest(m.Message,
            errors);
    }
}

/// <summary>
/// The steps forum writes share: who may act (sanctions, posting limits), rendering, thread versions and counters,
/// notifications, the audit log, and what follows a commit (cache invalidation, live delivery). Each use case composes
/// them in its own file. Refusals come back as ProblemDetails results, never as exceptions.
/// </summary>
public sealed partial class ForumWrites(CommunityDb db, ForumReader reader, ILiveBus bus, TimeProvider clock, PostingLimiter limiter,
    IMemberDirectory members, ITrustLevels trust, ForumCounters counters, SanctionCache sanctions)
{
    public const int TitleMin = 3, TitleMax = 200;

    /// <summary>Reads a thread or post whatever the caller may see, for what is sent to everyone allowed.</summary>
    public static readonly ForumViewer Staff = ForumViewer.Anonymous with { Roles = new HashSet<string>([Roles.Admin], StringComparer.Ordinal) };

    public static readonly IReadOnlyDictionary<string, int> NoReactions = new Dictionary<string, int>(StringComparer.Ordinal);

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    // The trust level of the member ActorAsync let post (null for staff, who are never gated): RenderAsync, which every posting use
    // case calls right after, refuses links and images below the level that may post them.
    private int? _postingLevel;

    /// <summary>The signed-in member about to act; when posting, also not silenced or suspended and within the posting limit.</summary>
    public async Task<(MemberCard? Actor, ProblemHttpResult? Refused)> ActorAsync(ForumViewer viewer, bool posting, CancellationToken ct)
    {
        if (viewer.MemberId is null || await members.FindAsync(viewer.MemberId, ct) is not { } member) return (null, Problems.Unauthorized());
        if (!posting) return (member, null);
        var now = Now;
        var sanction = await sanctions.ActiveAsync(db, member.Id, ct);
        if (sanction is not null)
        {
            var state = sanction.Kind == SanctionKinds.Suspend ? "suspended" : "silenced";
            var until = sanction.Until.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            return (null, Problems.Forbidden($"You are {state} until {until} UTC and cannot post."));
        }
        if (viewer.IsModerator) return (member, null);
        // Trust level 0 (a new member, or one flagged a lot) posts under the stricter limit: this replaced "joined in the last day".
        _postingLevel = await trust.LevelOfAsync(member.Id, ct);
        return await limiter.PostAsync(member.Id, _postingLevel == 0, ct) is { } limited ? (null, limited)
            : (member, null);
    }

    public async Task<(RenderedPost? Post, ProblemHttpResult? Refused)> RenderAsync(string body, CancellationToken ct)
    {
        var candidates = MarkdownRenderer.MentionCandidates(body);
        var known = candidates.Count == 0 ? [] : await members.FindByHandlesAsync(candidates, ct);
        try
        {
            var rendered = MarkdownRenderer.Render(body, known.Select(k => k.UserName.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal));
            if (_postingLevel is { } level && level < trust.Options.LinksMinimumLevel && (rendered.HasLinks || rendered.HasImages))
            {
                var what = rendered.HasImages ? "links or images" : "links";
                return (null, ForumProblems.BodyRefused(
                    $"New members cannot post {what} yet (trust level {trust.Options.LinksMinimumLevel} needed). Remove them and try again."));
            }
            return (new RenderedPost(rendered.Html, [.. known.Where(k => rendered.Mentions.Contains(k.UserName.ToLowerInvariant()))]), null);
        }
        catch (MarkdownRejectedException m)
        {
            return (null, ForumProblems.Rejected(m));
        }
    }

    /// <summary>The post (tracked) if the signed-in caller may see its thread.</summary>
    public async Task<(PostInThread? Found, ProblemHttpResult? Refused)> PostForWriteAsync(ForumViewer viewer, long postId, CancellationToken ct)
    {
        if (viewer.MemberId is null) return (null, Problems.Unauthorized());
        var post = await db.Set<ForumPost>().FirstOrDefaultAsync(p => p.Id == postId, ct);
        if (post is null || await reader.ThreadAsync(post.ThreadId, viewer, ct) is not { } found) return (null, ForumProblems.NotFound("post"));
        return (new PostInThread(post, found.Thread, found.Category), null);
    }

    /// <summary>The thread's next version: an UPDATE … RETURNING, so concurrent writers each get their own number.</summary>
    public async Task<long> BumpAsync(long threadId, CancellationToken ct) =>
        (await db.Database.SqlQuery<long>($"""
            UPDATE "ForumThreads" SET "Version" = "Version" + 1 WHERE "Id" = {threadId} RETURNING "Version" AS "Value"
            """).ToListAsync(ct)).Single();

    /// <summary>
    /// Counts a new post (and thread) in its category, as part of the write (<paramref name="tx"/> not yet committed) on SQLite,
    /// or right after its commit on PostgreSQL: there every reply in the category updates the same row, and inside the write that
    /// row stayed locked across a round trip to the commit, so replies queued on it (about 280/s in one category). After the
    /// commit it is one statement of its own. A crash between the two leaves the category's counter one short, never a post lost.
    /// </summary>
    public async Task CountNewAsync(WriteTransaction tx, int categoryId, int threads, DateTime activity, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
        {
            await CountAsync(categoryId, threads, posts: 1, activity, ct);
            await tx.CommitAsync(ct);
            return;
        }
        await tx.CommitAsync(ct);
        counters.Counted(categoryId, threads, posts: 1, activity);
    }

    /// <summary>The author's read mark after their own post: in the post's transaction on SQLite, a moment later on PostgreSQL
    /// (see <see cref="ForumCounters"/>).</summary>
    public Task MarkOwnPostReadAsync(string memberId, long threadId, int seq, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return MarkReadAsync(memberId, threadId, seq, ct);
        counters.Read(memberId, threadId, seq);
        return Task.CompletedTask;
    }

    /// <summary>Moves a category's counters, and its last activity when given.</summary>
    public Task<int> CountAsync(int categoryId, int threads, int posts, DateTime? activity, CancellationToken ct)
    {
        var category = db.Set<ForumCategory>().Where(c => c.Id == categoryId);
        return activity is { } at
            ? category.ExecuteUpdateAsync(s => s.SetProperty(c => c.ThreadCount, c => c.ThreadCount + threads)
                .SetProperty(c => c.PostCount, c => c.PostCount + posts).SetProperty(c => c.LastActivityAt, (DateTime?)at), ct)
            : category.ExecuteUpdateAsync(s => s.SetProperty(c => c.ThreadCount, c => c.ThreadCount + threads)
                .SetProperty(c => c.PostCount, c => c.PostCount + posts), ct);
    }

    /// <summary>Moves the member's read mark forward (never back). An upsert: EF has no INSERT … ON CONFLICT.</summary>
    public Task<int> MarkReadAsync(string memberId, long threadId, int seq, CancellationToken ct) => db.Database.ExecuteSqlAsync($"""
        INSERT INTO "ForumThreadReads" ("MemberId", "ThreadId", "LastReadSeq") VALUES ({memberId}, {threadId}, {seq})
        ON CONFLICT ("MemberId", "ThreadId") DO UPDATE SET "LastReadSeq" =
          CASE WHEN excluded."LastReadSeq" > "ForumThreadReads"."LastReadSeq" THEN excluded."LastReadSeq" ELSE "ForumThreadReads"."LastReadSeq" END
        """, ct);

    /// <summary>Starts watching (idempotent). An upsert: EF has no INSERT … ON CONFLICT.</summary>
    public Task<int> WatchAsync(string memberId, long threadId, CancellationToken ct) => db.Database.ExecuteSqlAsync(
        $"""INSERT INTO "ForumThreadWatches" ("ThreadId", "MemberId") VALUES ({threadId}, {memberId}) ON CONFLICT DO NOTHING""", ct);

    /// <summary>The thread's summary (API, page description, og:description) is the first post's text, and only while it is visible.</summary>
    public Task<int> SetSummaryAsync(ForumPost first, CancellationToken ct)
    {
        var summary = first.IsHidden || first.IsDeleted ? "" : MarkdownRenderer.PlainText(first.Html, 300);
        return db.Set<ForumThread>().Where(t => t.Id == first.ThreadId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Summary, summary), ct);
    }

    /// <summary>Those of <paramref name="memberIds"/> who may read the category now (only for a private category: one lookup of roles,
    /// and one of product segments when the category is restricted to segments).</summary>
    public async Task<List<string>> ReadersAsync(IEnumerable<string> memberIds, CategoryInfo category, CancellationToken ct)
    {
        var ids = memberIds.Distinct(StringComparer.Ordinal).ToList();
        if (!category.IsPrivate || ids.Count == 0) return ids;
        var roles = await members.RolesOfAsync(ids, ct);
        var segments = category.IsSegmented ? await members.SegmentsOfAsync(ids, ct) : null;
        return [.. ids.Where(id => new ForumViewer(id, roles[id].ToHashSet(StringComparer.Ordinal))
        {
            Plan = segments?.GetValueOrDefault(id)?.Plan,
            AccountId = segments?.GetValueOrDefault(id)?.AccountId,
        }.CanRead(category))];
    }

    /// <summary>Adds a notification for each member (saved with the caller's SaveChanges; delivered by <see cref="PublishNotesAsync"/>).</summary>
    public List<ForumNotification> Notify(IEnumerable<string> memberIds, string kind, long threadId, string slug, int seq, string text)
    {
        var now = Now;
        var notes = memberIds.Distinct(StringComparer.Ordinal).Select(id => new ForumNotification
        {
            MemberId = id, Kind = kind, ThreadId = threadId, Seq = seq, CreatedAt = now,
            Text = Clip(text, 300), Url = $"{ForumReader.ThreadUrl(threadId, slug)}#p{seq}",
        }).ToList();
        db.AddRange(notes);
        return notes;
    }

    public async Task PublishNotesAsync(List<ForumNotification> notes, CancellationToken ct)
    {
        foreach (var n in notes)
        {
            var dto = new NotificationDto(n.Id, n.Kind, n.Text, n.Url, n.CreatedAt, false);
            await bus.PublishAsync(LiveGroups.Member(n.MemberId), ForumLive.Notification, dto, ct);
        }
    }

    public void Audit(ForumViewer viewer, string action, string target, string? reason) => db.Add(new ModAction
    {
        ModeratorId = viewer.MemberId!, Action = action, Target = Clip(target, 200), Reason = Clip(reason?.Trim() ?? "", 500), CreatedAt = Now,
    });

    public static string PostTarget(ForumPost post) => $"post {post.ThreadId}#{post.Seq}";

    /// <summary>Hidden or deleted text must leave every server's cached headers, windows and pages, not only this one's.</summary>
    public async Task TextGoneAsync(long threadId, CancellationToken ct)
    {
        reader.ThreadChanged(threadId);
        await bus.PublishAsync(LiveGroups.Servers, ForumLiveAccess.Signal, new ForumAccessChanged(threadId, null, false), ct);
    }

    /// <summary>After commit: caches drop the thread and its readers get the post as it is now.</summary>
    public async Task<PostDto> AfterPostChangeAsync(ForumPost post, CancellationToken ct)
    {
        reader.ThreadChanged(post.ThreadId);
        var dto = await ForumReader.PostAsync(db, members, post.Id, ct);
        await bus.PublishAsync(ForumLive.Thread(post.ThreadId), ForumLive.PostUpdated, dto, ct);
        return dto;
    }

    /// <summary>After commit: caches drop the thread; its readers and its category's list get it as it is now.</summary>
    public async Task<ThreadDto> AfterThreadChangeAsync(long threadId, CancellationToken ct)
    {
        reader.ThreadChanged(threadId);
        var (dto, category) = (await reader.ThreadAsync(threadId, Staff, ct))!.Value;
        await bus.PublishAsync(ForumLive.Thread(threadId), ForumLive.ThreadUpdated, dto, ct);
        await PublishActivityAsync(category.Id, Summary(dto), ct);
        return dto;
    }

    public Task PublishActivityAsync(int categoryId, ThreadSummary thread, CancellationToken ct) =>
        bus.PublishAsync(ForumLive.Category(categoryId), ForumLive.ThreadActivity, new CategoryThreadEvent(categoryId, thread), ct);

    public static ThreadSummary Summary(ThreadDto t) =>
        new(t.Id, t.Title, t.Url, t.Author, t.CreatedAt, t.LastPostAt, t.LastSeq, t.Locked, t.Pinned, t.AcceptedSeq is not null, 0);

    public static AuthorDto Author(MemberCard m) => new(m.UserName, m.DisplayName, m.AvatarUrl);

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>URL words from a title: lower-case ASCII letters and digits joined by hyphens.</summary>
    public static string Slugify(string title)
    {
        var normalized = title.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder();
        foreach (var c in normalized)
        {
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (char.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append('-');
        }
        var slug = DashRun().Replace(sb.ToString(), "-").Trim('-');
        if (slug.Length > 80) slug = slug[..80].TrimEnd('-');
        return slug.Length == 0 ? "thread" : slug;
    }

    [GeneratedRegex("-{2,}")]
    private static partial Regex DashRun();
}
