using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Markdown;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Features.Forums;

/// <summary>
/// Every forum write: validation, permission, rate limit, one transaction, then cache invalidation and live delivery of the
/// already-built payload. Throws <see cref="ForumProblemException"/> for refusals.
/// </summary>
public sealed partial class ForumWriter(CommunityDb db, ForumReader reader, ILiveBus bus, TimeProvider clock, PostingLimiter limiter,
    IForumSearch search, ForumOptions options, ForumWriteGate gate, MemberThreadStates states)
{
    public const int TitleMin = 3, TitleMax = 200;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    // ---- threads and replies ----------------------------------------------------

    public async Task<CreatedThread> CreateThreadAsync(ForumViewer viewer, CreateThreadRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("title", request.Title, TitleMin, TitleMax, "Title");
        errors.Text("body", request.Body, 1, int.MaxValue, "Post");
        if (request.CategoryId is null) errors.Add("categoryId", "Choose a category.");
        if (errors.Any) throw ForumProblemException.Invalid(errors);
        var categories = await reader.CategoriesAsync(ct);
        if (!categories.TryGetValue(request.CategoryId!.Value, out var category) || !viewer.CanRead(category)) throw ForumProblemException.NotFound("category");
        var author = await ActorAsync(viewer, posting: true, ct);
        var (html, mentioned) = await RenderAsync(request.Body!, ct);
        var now = Now;
        var title = request.Title!.Trim();

        await using var tx = await gate.BeginAsync(db, ct);
        var thread = new ForumThread
        {
            CategoryId = category.Id, AuthorId = author.Id, Title = title, Slug = Slugify(title), Summary = MarkdownRenderer.PlainText(html, 300),
            CreatedAt = now, LastPostAt = now, LastSeq = 1, Version = 1,
        };
        db.Add(thread);
        await db.SaveChangesAsync(ct);
        var post = new ForumPost { ThreadId = thread.Id, Seq = 1, AuthorId = author.Id, Body = request.Body!, Html = html, CreatedAt = now, Version = 1 };
        db.Add(post);
        db.Add(new ThreadWatch { ThreadId = thread.Id, MemberId = author.Id });
        db.Add(new ThreadRead { ThreadId = thread.Id, MemberId = author.Id, LastReadSeq = 1 });
        var notes = Notify(await ReadersAsync(mentioned.Where(m => m.Id != author.Id).Select(m => m.Id), category, ct), "mention", thread, 1,
            $"{author.DisplayName} mentioned you in “{title}”", now);
        await db.SaveChangesAsync(ct);
        await db.Database.ExecuteSqlAsync($"""UPDATE "ForumCategories" SET "ThreadCount" = "ThreadCount" + 1, "PostCount" = "PostCount" + 1, "LastActivityAt" = {now} WHERE "Id" = {category.Id}""", ct);
        await search.IndexAsync(db, post, title, category.Id, ct, isNew: true);
        await tx.CommitAsync(ct);

        reader.ThreadChanged(thread.Id);
        states.Changed(author.Id);
        var authorDto = new AuthorDto(author.UserName!, author.DisplayName, author.AvatarUrl);
        var dto = new ThreadDto(thread.Id, title, thread.Slug, ForumReader.ThreadUrl(thread.Id, thread.Slug), category.Ref, authorDto, now, now, 1, false, false, null, 1, thread.Summary);
        var postDto = new PostDto(post.Id, thread.Id, 1, authorDto, html, now, null, false, false, Empty, 1);
        await bus.PublishAsync(ForumLive.Category(category.Id), ForumLive.ThreadCreated,
            new CategoryThreadEvent(category.Id, new ThreadSummary(thread.Id, title, dto.Url, authorDto, now, now, 1, false, false, false, 0)), ct);
        await PublishNotesAsync(notes, ct);
        return new CreatedThread(dto, postDto);
    }

    private sealed class SeqRow
    {
        public int LastSeq { get; set; }
        public long Version { get; set; }
        public bool IsLocked { get; set; }
        public bool IsPinned { get; set; }
        public int? AcceptedSeq { get; set; }
        public string AuthorId { get; set; } = "";
        public DateTime CreatedAt { get; set; }
        public int CategoryId { get; set; }
        public string Title { get; set; } = "";
        public string Slug { get; set; } = "";
    }

    /// <summary>
    /// Appends a reply. The sequence number comes from one UPDATE ... RETURNING on the thread row inside the write
    /// transaction: the row lock (PostgreSQL) or the write lock (SQLite, BEGIN IMMEDIATE) serialises concurrent replies,
    /// so numbers are gapless and unique; the unique (ThreadId, Seq) index is the backstop.
    /// </summary>
    public async Task<PostDto> ReplyAsync(ForumViewer viewer, long threadId, PostBodyRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("body", request.Body, 1, int.MaxValue, "Reply");
        if (errors.Any) throw ForumProblemException.Invalid(errors);
        // The hot path: no thread header read. Visibility and the lock are checked on the row the UPDATE returns,
        // inside the transaction; refusing there rolls the sequence number back.
        var categories = await reader.CategoriesAsync(ct);
        var cached = reader.CachedThread(threadId);
        if (cached is not null && (!categories.TryGetValue(cached.Category.Id, out var seen) || !viewer.CanRead(seen))) throw ForumProblemException.NotFound();
        if (cached is { Locked: true } && !viewer.IsModerator) throw ForumProblemException.Conflict("This thread is locked: no new replies.");
        var author = await ActorAsync(viewer, posting: true, ct);
        var (html, mentioned) = await RenderAsync(request.Body!, ct);
        var now = Now;

        await using var tx = await gate.BeginAsync(db, ct);
        var row = (await db.Database.SqlQuery<SeqRow>($"""
            UPDATE "ForumThreads" SET "LastSeq" = "LastSeq" + 1, "Version" = "Version" + 1, "LastPostAt" = {now}
            WHERE "Id" = {threadId} AND NOT "IsDeleted"
            RETURNING "LastSeq", "Version", "IsLocked", "IsPinned", "AcceptedSeq", "CategoryId", "Title", "Slug", "AuthorId", "CreatedAt"
            """).ToListAsync(ct)).FirstOrDefault() ?? throw ForumProblemException.NotFound();
        if (!categories.TryGetValue(row.CategoryId, out var category) || !viewer.CanRead(category)) throw ForumProblemException.NotFound();
        if (row.IsLocked && !viewer.IsModerator) throw ForumProblemException.Conflict("This thread is locked: no new replies.");
        var post = new ForumPost { ThreadId = threadId, Seq = row.LastSeq, AuthorId = author.Id, Body = request.Body!, Html = html, CreatedAt = now, Version = row.Version };
        db.Add(post);
        var watchers = await db.Set<ThreadWatch>().AsNoTracking().Where(w => w.ThreadId == threadId).Select(w => w.MemberId).ToListAsync(ct);
        var thread = new ForumThread { Id = threadId, Title = row.Title, Slug = row.Slug };
        var mentionIds = mentioned.Select(m => m.Id).Where(id => id != author.Id).ToHashSet(StringComparer.Ordinal);
        // Only people who may read the thread now: a watcher of a thread since moved into a private category, or someone
        // mentioned in a staff thread, must not learn its title.
        var notes = Notify(await ReadersAsync(mentionIds, category, ct), "mention", thread, row.LastSeq,
            $"{author.DisplayName} mentioned you in “{row.Title}”", now);
        var replyTo = await ReadersAsync(watchers.Where(w => w != author.Id && !mentionIds.Contains(w)), category, ct);
        notes.AddRange(Notify(replyTo, "reply", thread, row.LastSeq, $"{author.DisplayName} replied in “{row.Title}”", now));
        await db.SaveChangesAsync(ct);
        if (!watchers.Contains(author.Id))
            await db.Database.ExecuteSqlAsync($"""INSERT INTO "ForumThreadWatches" ("ThreadId", "MemberId") VALUES ({threadId}, {author.Id}) ON CONFLICT DO NOTHING""", ct);
        await MarkReadAsync(author.Id, threadId, row.LastSeq, ct);
        await db.Database.ExecuteSqlAsync($"""UPDATE "ForumCategories" SET "PostCount" = "PostCount" + 1, "LastActivityAt" = {now} WHERE "Id" = {row.CategoryId}""", ct);
        await search.IndexAsync(db, post, null, row.CategoryId, ct, isNew: true);
        await tx.CommitAsync(ct);

        reader.ThreadChanged(threadId);
        if (watchers.Contains(author.Id)) states.Read(author.Id, threadId, row.LastSeq);
        else states.Changed(author.Id);
        var authorDto = new AuthorDto(author.UserName!, author.DisplayName, author.AvatarUrl);
        var dto = new PostDto(post.Id, threadId, row.LastSeq, authorDto, html, now, null, false, false, Empty, row.Version);
        await bus.PublishAsync(ForumLive.Thread(threadId), ForumLive.PostCreated, dto, ct);
        var threadAuthor = row.AuthorId == author.Id ? authorDto : cached?.Author ?? await reader.AuthorAsync(row.AuthorId, ct);
        await bus.PublishAsync(ForumLive.Category(row.CategoryId), ForumLive.ThreadActivity, new CategoryThreadEvent(row.CategoryId,
            new ThreadSummary(threadId, row.Title, ForumReader.ThreadUrl(threadId, row.Slug), threadAuthor, row.CreatedAt, now, row.LastSeq, row.IsLocked,
                row.IsPinned, row.AcceptedSeq is not null, 0)), ct);
        await PublishNotesAsync(notes, ct);
        return dto;
    }

    public async Task<PostDto> EditAsync(ForumViewer viewer, long postId, PostBodyRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("body", request.Body, 1, int.MaxValue, "Post");
        if (errors.Any) throw ForumProblemException.Invalid(errors);
        var (post, found) = await PostForWriteAsync(viewer, postId, ct);
        if (post.AuthorId != viewer.MemberId && !viewer.IsModerator) throw ForumProblemException.Forbidden("You can only edit your own posts.");
        if (post.IsDeleted) throw ForumProblemException.Conflict("This post was deleted.");
        if (found.Thread.Locked && !viewer.IsModerator) throw ForumProblemException.Conflict("This thread is locked.");
        var editor = await ActorAsync(viewer, posting: true, ct);
        if (post.Body == request.Body) return await ForumReader.PostAsync(db, post.Id, ct);
        var (html, _) = await RenderAsync(request.Body!, ct);
        var now = Now;
        await using var tx = await gate.BeginAsync(db, ct);
        db.Add(new PostRevision { PostId = post.Id, EditorId = editor.Id, Body = post.Body, CreatedAt = now });
        post.Body = request.Body!;
        post.Html = html;
        post.EditedAt = now;
        post.Version = await BumpAsync(post.ThreadId, ct);
        await db.SaveChangesAsync(ct);
        if (post.Seq == 1) await SetSummaryAsync(post, ct);
        if (!post.IsHidden) await search.IndexAsync(db, post, post.Seq == 1 ? found.Thread.Title : null, found.Category.Id, ct);
        await tx.CommitAsync(ct);
        return await AfterPostChangeAsync(post, ct);
    }

    public async Task DeletePostAsync(ForumViewer viewer, long postId, CancellationToken ct)
    {
        var (post, _) = await PostForWriteAsync(viewer, postId, ct);
        if (post.AuthorId != viewer.MemberId && !viewer.IsModerator) throw ForumProblemException.Forbidden("You can only delete your own posts.");
        if (post.IsDeleted) throw ForumProblemException.Conflict("This post is already deleted.");
        await using var tx = await gate.BeginAsync(db, ct);
        post.IsDeleted = true;
        post.Version = await BumpAsync(post.ThreadId, ct);
        await db.SaveChangesAsync(ct);
        await search.RemoveAsync(db, post.Id, ct);
        if (post.Seq == 1) await SetSummaryAsync(post, ct);
        if (post.AuthorId != viewer.MemberId) Audit(viewer, "delete-post", PostTarget(post), "");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await TextGoneAsync(post.ThreadId, ct);
        await AfterPostChangeAsync(post, ct);
    }

    public async Task<PostDto> SetHiddenAsync(ForumViewer viewer, long postId, bool hidden, string? reason, CancellationToken ct)
    {
        if (!viewer.IsModerator) throw ForumProblemException.Forbidden("Only moderators can hide posts.");
        var (post, found) = await PostForWriteAsync(viewer, postId, ct);
        if (post.IsDeleted) throw ForumProblemException.Conflict("This post was deleted.");
        if (post.IsHidden == hidden) throw ForumProblemException.Conflict(hidden ? "This post is already hidden." : "This post is not hidden.");
        await using var tx = await gate.BeginAsync(db, ct);
        post.IsHidden = hidden;
        post.Version = await BumpAsync(post.ThreadId, ct);
        Audit(viewer, hidden ? "hide-post" : "unhide-post", PostTarget(post), reason);
        List<long> resolved = [];
        if (hidden)
        {
            var open = await db.Set<PostFlag>().Where(f => f.PostId == post.Id && f.ResolvedAt == null).ToListAsync(ct);
            foreach (var flag in open) { flag.ResolvedAt = Now; flag.ResolvedById = viewer.MemberId; flag.Resolution = "hidden"; resolved.Add(flag.Id); }
        }
        await db.SaveChangesAsync(ct);
        if (hidden) await search.RemoveAsync(db, post.Id, ct);
        else await search.IndexAsync(db, post, post.Seq == 1 ? found.Thread.Title : null, found.Category.Id, ct);
        if (post.Seq == 1) await SetSummaryAsync(post, ct);
        await tx.CommitAsync(ct);
        if (hidden) await TextGoneAsync(post.ThreadId, ct);
        if (resolved.Count > 0) await bus.PublishAsync(ForumLive.ModQueue, ForumLive.FlagsResolved, new FlagsResolvedEvent(resolved), ct);
        return await AfterPostChangeAsync(post, ct);
    }

    public async Task<PostDto> ReactAsync(ForumViewer viewer, long postId, string? kind, bool add, CancellationToken ct)
    {
        if (kind is null || !ReactionKinds.All.ContainsKey(kind))
            throw ForumProblemException.Invalid(new FieldErrors().Add("kind", $"Pick one of: {string.Join(", ", ReactionKinds.All.Keys)}."));
        var (post, _) = await PostForWriteAsync(viewer, postId, ct);
        if (post.IsDeleted || post.IsHidden) throw ForumProblemException.Conflict("This post is not visible.");
        var me = viewer.MemberId!;
        await using var tx = await gate.BeginAsync(db, ct);
        var existing = await db.Set<PostReaction>().FirstOrDefaultAsync(r => r.PostId == postId && r.MemberId == me && r.Kind == kind, ct);
        if (add)
        {
            if (existing is not null) throw ForumProblemException.Conflict("You already reacted with that.");
            db.Add(new PostReaction { PostId = postId, MemberId = me, Kind = kind, CreatedAt = Now });
        }
        else
        {
            if (existing is null) throw ForumProblemException.NotFound("reaction");
            db.Remove(existing);
        }
        post.Version = await BumpAsync(post.ThreadId, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw ForumProblemException.Conflict("You already reacted with that.");
        }
        await tx.CommitAsync(ct);
        states.Changed(me);
        return await AfterPostChangeAsync(post, ct);
    }

    public async Task<ThreadDto> AcceptAsync(ForumViewer viewer, long threadId, int? seq, CancellationToken ct)
    {
        var found = await reader.ThreadAsync(threadId, viewer, ct) ?? throw ForumProblemException.NotFound();
        var actor = await ActorAsync(viewer, posting: false, ct);
        if (found.Thread.Author.UserName != actor.UserName && !viewer.IsModerator) throw ForumProblemException.Forbidden("Only the person who asked can accept an answer.");
        if (!found.Category.IsQa) throw ForumProblemException.Conflict("Answers can only be accepted in Q&A categories.");
        await using var tx = await gate.BeginAsync(db, ct);
        var version = await BumpAsync(threadId, ct);
        var thread = await db.Set<ForumThread>().FirstAsync(t => t.Id == threadId, ct);
        ForumPost? answer = null;
        if (seq is { } s)
        {
            answer = await db.Set<ForumPost>().AsNoTracking().FirstOrDefaultAsync(p => p.ThreadId == threadId && p.Seq == s, ct);
            if (answer is null || s == 1) throw ForumProblemException.Invalid(new FieldErrors().Add("seq", "Pick a reply in this thread."));
            if (answer.IsDeleted || answer.IsHidden) throw ForumProblemException.Conflict("That reply is not visible.");
        }
        thread.AcceptedSeq = seq;
        thread.Version = version;
        List<ForumNotification> notes = [];
        if (answer is not null && answer.AuthorId != actor.Id && (await ReadersAsync([answer.AuthorId], found.Category, ct)).Count > 0)
        {
            notes = Notify([answer.AuthorId], "answer", thread, answer.Seq, $"Your reply was accepted as the answer to “{thread.Title}”", Now);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var dto = await AfterThreadChangeAsync(threadId, ct);
        await PublishNotesAsync(notes, ct);
        return dto;
    }

    public async Task<ThreadDto> PatchThreadAsync(ForumViewer viewer, long threadId, ThreadPatchRequest request, CancellationToken ct)
    {
        var found = await reader.ThreadAsync(threadId, viewer, ct) ?? throw ForumProblemException.NotFound();
        var actor = await ActorAsync(viewer, posting: false, ct);
        var isAuthor = found.Thread.Author.UserName == actor.UserName;
        if ((request.Locked ?? request.Pinned ?? (object?)request.CategoryId) is not null && !viewer.IsModerator)
            throw ForumProblemException.Forbidden("Only moderators can lock, pin or move threads.");
        if (request.Title is not null && !isAuthor && !viewer.IsModerator) throw ForumProblemException.Forbidden("Only the author or a moderator can rename a thread.");
        var errors = new FieldErrors();
        if (request.Title is not null) errors.Text("title", request.Title, TitleMin, TitleMax, "Title");
        CategoryInfo? target = null;
        if (request.CategoryId is { } cid)
        {
            var categories = await reader.CategoriesAsync(ct);
            if (!categories.TryGetValue(cid, out target) || !viewer.CanRead(target)) errors.Add("categoryId", "No such category.");
        }
        if (errors.Any) throw ForumProblemException.Invalid(errors);
        await using var tx = await gate.BeginAsync(db, ct);
        var version = await BumpAsync(threadId, ct);
        var thread = await db.Set<ForumThread>().FirstAsync(t => t.Id == threadId, ct);
        var reason = request.Reason?.Trim() ?? "";
        var what = $"thread {threadId} “{thread.Title}”";
        if (request.Title is not null && request.Title.Trim() != thread.Title)
        {
            thread.Title = request.Title.Trim();
            thread.Slug = Slugify(thread.Title);
            if (!isAuthor) Audit(viewer, "rename-thread", what, reason);
        }
        if (request.Locked is { } locked && locked != thread.IsLocked) { thread.IsLocked = locked; Audit(viewer, locked ? "lock" : "unlock", what, reason); }
        if (request.Pinned is { } pinned && pinned != thread.IsPinned) { thread.IsPinned = pinned; Audit(viewer, pinned ? "pin" : "unpin", what, reason); }
        var from = thread.CategoryId;
        if (target is not null && target.Id != thread.CategoryId)
        {
            var posts = await db.Set<ForumPost>().CountAsync(p => p.ThreadId == threadId, ct);
            await db.Database.ExecuteSqlAsync($"""UPDATE "ForumCategories" SET "ThreadCount" = "ThreadCount" - 1, "PostCount" = "PostCount" - {posts} WHERE "Id" = {from}""", ct);
            await db.Database.ExecuteSqlAsync($"""UPDATE "ForumCategories" SET "ThreadCount" = "ThreadCount" + 1, "PostCount" = "PostCount" + {posts} WHERE "Id" = {target.Id}""", ct);
            thread.CategoryId = target.Id;
            Audit(viewer, "move", what, $"to {target.Name}. {reason}".Trim());
            await search.MoveThreadAsync(db, threadId, target.Id, ct);
        }
        thread.Version = version;
        await db.SaveChangesAsync(ct);
        await search.RetitleAsync(db, threadId, thread.Title, ct);
        await tx.CommitAsync(ct);
        if (thread.CategoryId != from)
        {
            // Before anything more goes to the thread's group: connections that may not read the new category leave it, on every server.
            reader.ThreadChanged(threadId);
            await bus.PublishAsync(LiveGroups.Servers, ForumLiveAccess.Signal, new ForumAccessChanged(threadId, thread.CategoryId, false), ct);
        }
        return await AfterThreadChangeAsync(threadId, ct);
    }

    public async Task DeleteThreadAsync(ForumViewer viewer, long threadId, string? reason, CancellationToken ct)
    {
        var found = await reader.ThreadAsync(threadId, viewer, ct) ?? throw ForumProblemException.NotFound();
        var actor = await ActorAsync(viewer, posting: false, ct);
        var isAuthor = found.Thread.Author.UserName == actor.UserName;
        if (!viewer.IsModerator && !(isAuthor && found.Thread.LastSeq == 1))
            throw ForumProblemException.Forbidden(isAuthor ? "This thread has replies; ask a moderator to remove it." : "You can only delete your own threads.");
        await using var tx = await gate.BeginAsync(db, ct);
        var version = await BumpAsync(threadId, ct);
        var thread = await db.Set<ForumThread>().FirstAsync(t => t.Id == threadId, ct);
        thread.IsDeleted = true;
        thread.Version = version;
        if (!isAuthor) Audit(viewer, "delete-thread", $"thread {threadId} “{thread.Title}”", reason);
        await db.SaveChangesAsync(ct);
        await db.Database.ExecuteSqlAsync($"""UPDATE "ForumCategories" SET "ThreadCount" = "ThreadCount" - 1 WHERE "Id" = {thread.CategoryId}""", ct);
        await search.RemoveThreadAsync(db, threadId, ct);
        await tx.CommitAsync(ct);
        reader.ThreadChanged(threadId);
        await bus.PublishAsync(ForumLive.Thread(threadId), ForumLive.ThreadDeleted, new ThreadDeletedEvent(threadId), ct);
        await bus.PublishAsync(ForumLive.Category(thread.CategoryId), ForumLive.ThreadDeleted, new ThreadDeletedEvent(threadId), ct);
    }

    public async Task MarkReadAsync(ForumViewer viewer, long threadId, int seq, CancellationToken ct)
    {
        var found = await reader.ThreadAsync(threadId, viewer, ct) ?? throw ForumProblemException.NotFound();
        var clamped = Math.Clamp(seq, 0, found.Thread.LastSeq);
        await MarkReadAsync(viewer.MemberId!, threadId, clamped, ct);
        states.Read(viewer.MemberId!, threadId, clamped);
    }

    public async Task SetWatchAsync(ForumViewer viewer, long threadId, bool watch, CancellationToken ct)
    {
        _ = await reader.ThreadAsync(threadId, viewer, ct) ?? throw ForumProblemException.NotFound();
        var me = viewer.MemberId!;
        if (watch) await db.Database.ExecuteSqlAsync($"""INSERT INTO "ForumThreadWatches" ("ThreadId", "MemberId") VALUES ({threadId}, {me}) ON CONFLICT DO NOTHING""", ct);
        else await db.Set<ThreadWatch>().Where(w => w.ThreadId == threadId && w.MemberId == me).ExecuteDeleteAsync(ct);
        states.Changed(me);
    }

    // ---- helpers ------------------------------------------------------------------

    private static readonly IReadOnlyDictionary<string, int> Empty = new Dictionary<string, int>(StringComparer.Ordinal);

    private Task<int> MarkReadAsync(string memberId, long threadId, int seq, CancellationToken ct) => db.Database.ExecuteSqlAsync($"""
        INSERT INTO "ForumThreadReads" ("MemberId", "ThreadId", "LastReadSeq") VALUES ({memberId}, {threadId}, {seq})
        ON CONFLICT ("MemberId", "ThreadId") DO UPDATE SET "LastReadSeq" =
          CASE WHEN excluded."LastReadSeq" > "ForumThreadReads"."LastReadSeq" THEN excluded."LastReadSeq" ELSE "ForumThreadReads"."LastReadSeq" END
        """, ct);

    private async Task<long> BumpAsync(long threadId, CancellationToken ct) =>
        (await db.Database.SqlQuery<long>($"""UPDATE "ForumThreads" SET "Version" = "Version" + 1 WHERE "Id" = {threadId} RETURNING "Version" AS "Value" """).ToListAsync(ct)).Single();

    private async Task<(ForumPost Post, (ThreadDto Thread, CategoryInfo Category) Found)> PostForWriteAsync(ForumViewer viewer, long postId, CancellationToken ct)
    {
        if (viewer.MemberId is null) throw new ForumProblemException(401, "Sign in to continue.");
        var post = await db.Set<ForumPost>().FirstOrDefaultAsync(p => p.Id == postId, ct) ?? throw ForumProblemException.NotFound("post");
        var found = await reader.ThreadAsync(post.ThreadId, viewer, ct) ?? throw ForumProblemException.NotFound("post");
        return (post, found);
    }

    /// <summary>The thread's summary (API, page description, og:description) is the first post's text, and only while it is visible.</summary>
    private Task<int> SetSummaryAsync(ForumPost first, CancellationToken ct) =>
        db.Set<ForumThread>().Where(t => t.Id == first.ThreadId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Summary, SummaryOf(first)), ct);

    internal static string SummaryOf(ForumPost first) => first.IsHidden || first.IsDeleted ? "" : MarkdownRenderer.PlainText(first.Html, 300);

    /// <summary>Hidden or deleted text must leave every server's cached headers, windows and pages, not only this one's.</summary>
    private async Task TextGoneAsync(long threadId, CancellationToken ct)
    {
        reader.ThreadChanged(threadId);
        await bus.PublishAsync(LiveGroups.Servers, ForumLiveAccess.Signal, new ForumAccessChanged(threadId, null, false), ct);
    }

    private async Task<PostDto> AfterPostChangeAsync(ForumPost post, CancellationToken ct)
    {
        reader.ThreadChanged(post.ThreadId);
        var dto = await ForumReader.PostAsync(db, post.Id, ct);
        await bus.PublishAsync(ForumLive.Thread(post.ThreadId), ForumLive.PostUpdated, dto, ct);
        return dto;
    }

    private async Task<ThreadDto> AfterThreadChangeAsync(long threadId, CancellationToken ct)
    {
        reader.ThreadChanged(threadId);
        var (dto, category) = (await reader.ThreadAsync(threadId, ForumViewer.Anonymous with { Roles = new HashSet<string>([Roles.Admin], StringComparer.Ordinal) }, ct))!.Value;
        await bus.PublishAsync(ForumLive.Thread(threadId), ForumLive.ThreadUpdated, dto, ct);
        await bus.PublishAsync(ForumLive.Category(category.Id), ForumLive.ThreadActivity, new CategoryThreadEvent(category.Id,
            new ThreadSummary(dto.Id, dto.Title, dto.Url, dto.Author, dto.CreatedAt, dto.LastPostAt, dto.LastSeq, dto.Locked, dto.Pinned, dto.AcceptedSeq is not null, 0)), ct);
        return dto;
    }

    private async Task<Member> ActorAsync(ForumViewer viewer, bool posting, CancellationToken ct)
    {
        if (viewer.MemberId is null) throw new ForumProblemException(401, "Sign in to continue.");
        var member = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == viewer.MemberId, ct) ?? throw new ForumProblemException(401, "Sign in to continue.");
        if (!posting) return member;
        var now = Now;
        var sanction = await db.Set<MemberSanction>().AsNoTracking()
            .Where(s => s.MemberId == member.Id && s.LiftedAt == null && s.Until > now).OrderByDescending(s => s.Until).FirstOrDefaultAsync(ct);
        if (sanction is not null)
        {
            throw ForumProblemException.Forbidden($"You are {(sanction.Kind == SanctionKinds.Suspend ? "suspended" : "silenced")} until {sanction.Until.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC and cannot post.");
        }
        if (!viewer.IsModerator) limiter.Post(member.Id, now - member.JoinedAt < TimeSpan.FromHours(options.NewMemberHours));
        return member;
    }

    private async Task<(string Html, List<(string Id, string UserName)> Mentioned)> RenderAsync(string body, CancellationToken ct)
    {
        var candidates = MarkdownRenderer.MentionCandidates(body);
        List<(string Id, string UserName)> known = [];
        if (candidates.Count > 0)
        {
            var upper = candidates.Select(c => c.ToUpperInvariant()).ToList();
            known = [.. (await db.Users.AsNoTracking().Where(u => upper.Contains(u.NormalizedUserName!)).Select(u => new { u.Id, u.UserName }).ToListAsync(ct))
                .Select(u => (u.Id, u.UserName!.ToLowerInvariant()))];
        }
        var rendered = MarkdownRenderer.Render(body, known.Select(k => k.UserName).ToHashSet(StringComparer.Ordinal));
        return (rendered.Html, [.. known.Where(k => rendered.Mentions.Contains(k.UserName))]);
    }

    /// <summary>Those of <paramref name="memberIds"/> who may read the category now (one query, and only for a private category).</summary>
    private async Task<List<string>> ReadersAsync(IEnumerable<string> memberIds, CategoryInfo category, CancellationToken ct)
    {
        var ids = memberIds.Distinct(StringComparer.Ordinal).ToList();
        if (!category.IsPrivate || ids.Count == 0) return ids;
        var roles = (await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            where ids.Contains(ur.UserId)
                            select new { ur.UserId, r.Name }).ToListAsync(ct)).ToLookup(x => x.UserId, x => x.Name!);
        return [.. ids.Where(id => new ForumViewer(id, roles[id].ToHashSet(StringComparer.Ordinal)).CanRead(category))];
    }

    private List<ForumNotification> Notify(IEnumerable<string> memberIds, string kind, ForumThread thread, int seq, string text, DateTime now)
    {
        var notes = memberIds.Distinct(StringComparer.Ordinal).Select(id => new ForumNotification
        {
            MemberId = id, Kind = kind, ThreadId = thread.Id, Seq = seq, CreatedAt = now,
            Text = text.Length > 300 ? text[..300] : text, Url = $"{ForumReader.ThreadUrl(thread.Id, thread.Slug)}#p{seq}",
        }).ToList();
        db.AddRange(notes);
        return notes;
    }

    private async Task PublishNotesAsync(List<ForumNotification> notes, CancellationToken ct)
    {
        foreach (var n in notes)
        {
            await bus.PublishAsync(LiveGroups.Member(n.MemberId), ForumLive.Notification, new NotificationDto(n.Id, n.Kind, n.Text, n.Url, n.CreatedAt, false), ct);
        }
    }

    private void Audit(ForumViewer viewer, string action, string target, string? reason) =>
        db.Add(new ModAction { ModeratorId = viewer.MemberId!, Action = action, Target = Clip(target, 200), Reason = Clip(reason?.Trim() ?? "", 500), CreatedAt = Now });

    private static string PostTarget(ForumPost post) => $"post {post.ThreadId}#{post.Seq}";

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

public static class SanctionKinds
{
    public const string Silence = "silence";
    public const string Suspend = "suspend";
}
