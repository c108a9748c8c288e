using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// POST /api/threads/{id}/posts: appends a reply. The sequence number comes from one UPDATE … RETURNING on the thread row
/// inside the write transaction: the row lock (PostgreSQL) or the write lock (SQLite, BEGIN IMMEDIATE) serialises concurrent
/// replies, so numbers are gapless and unique; the unique (ThreadId, Seq) index is the backstop.
/// </summary>
public static class ReplyToThread
{
    private const string Locked = "This thread is locked: no new replies.";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder members) =>
        members.MapPost("/threads/{id:long}/posts",
            async Task<Results<Created<PostDto>, ProblemHttpResult, ValidationProblem>> (long id, PostBodyRequest request, ClaimsPrincipal user,
                HttpRequest http, Handler handler, CancellationToken ct) =>
            {
                var (key, bad) = PostingKeys.From(http);
                return bad ?? await handler.HandleAsync(ForumViewer.From(user), id, request, key, ct);
            });

    public static FieldErrors Validate(PostBodyRequest request, string label)
    {
        var errors = new FieldErrors();
        errors.Text("body", request.Body, 1, int.MaxValue, label);
        return errors;
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

    public sealed class Handler(CommunityDb db, ForumReader reader, ForumWrites writes, ILiveBus bus, IForumSearch search, MemberThreadStates states,
        ForumWebhooks webhooks)
    {
        public Task<Results<Created<PostDto>, ProblemHttpResult, ValidationProblem>> HandleAsync(
            ForumViewer viewer, long threadId, PostBodyRequest request, CancellationToken ct) => HandleAsync(viewer, threadId, request, null, ct);

        /// <summary>With an idempotency key (see <see cref="PostingKey"/>): a repeat answers the first reply again.</summary>
        public async Task<Results<Created<PostDto>, ProblemHttpResult, ValidationProblem>> HandleAsync(
            ForumViewer viewer, long threadId, PostBodyRequest request, string? key, CancellationToken ct)
        {
            var purpose = "reply:" + threadId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (key is not null && viewer.MemberId is { } member
                && await PostingKeys.FindAsync(db, member, key, writes.Now, ct) is { } earlier) return PostingKeys.Replay<PostDto>(earlier, purpose);
            if (Validate(request, "Reply") is { Any: true } errors) return errors.ToProblem();
            // The hot path: no thread header read. Visibility and the lock are checked on the row the UPDATE returns,
            // inside the transaction; refusing there rolls the sequence number back.
            var categories = await reader.CategoriesAsync(ct);
            var cached = reader.CachedThread(threadId);
            if (cached is not null && (!categories.TryGetValue(cached.Category.Id, out var seen)
                || !viewer.CanRead(seen))) return ForumProblems.NotFound();
            if (cached is { Locked: true } && !viewer.IsModerator) return Problems.Conflict(Locked);
            var (author, refused) = await writes.ActorAsync(viewer, posting: true, ct);
            if (refused is not null) return refused;
            var (rendered, rejected) = await writes.RenderAsync(request.Body!, ct);
            if (rejected is not null) return rejected;
            var now = writes.Now;
            // Read before the transaction: inside it every round trip lengthens the hold on the thread's row.
            var watchers = await db.Set<ThreadWatch>().AsNoTracking().Where(w => w.ThreadId == threadId).Select(w => w.MemberId).ToListAsync(ct);

            await using var tx = await db.BeginWriteAsync(ct);
            var row = (await db.Database.SqlQuery<SeqRow>($"""
                UPDATE "ForumThreads" SET "LastSeq" = "LastSeq" + 1, "Version" = "Version" + 1, "LastPostAt" = {now}
                WHERE "Id" = {threadId} AND NOT "IsDeleted"
                RETURNING "LastSeq", "Version", "IsLocked", "IsPinned", "AcceptedSeq", "CategoryId", "Title", "Slug", "AuthorId", "CreatedAt"
                """).ToListAsync(ct)).FirstOrDefault();
            if (row is null || !categories.TryGetValue(row.CategoryId, out var category)
                || !viewer.CanRead(category)) return ForumProblems.NotFound();
            if (row.IsLocked && !viewer.IsModerator) return Problems.Conflict(Locked);
            var post = new ForumPost
            {
                ThreadId = threadId, Seq = row.LastSeq, AuthorId = author!.Id, Body = request.Body!, Html = rendered!.Html, CreatedAt = now,
                    Version = row.Version,
            };
            db.Add(post);
            var mentionIds = rendered.Mentioned.Select(m => m.Id).Where(id => id != author.Id).ToHashSet(StringComparer.Ordinal);
            // Only people who may read the thread now: a watcher of a thread since moved into a private category, or someone
            // mentioned in a staff thread, must not learn its title.
            var notes = writes.Notify(await writes.ReadersAsync(mentionIds, category, ct), NotificationKinds.Mention, threadId, row.Slug, row.LastSeq,
                $"{author.DisplayName} mentioned you in “{row.Title}”");
            var replyTo = await writes.ReadersAsync(watchers.Where(w => w != author.Id && !mentionIds.Contains(w)), category, ct);
            notes.AddRange(writes.Notify(replyTo, NotificationKinds.Reply, threadId, row.Slug, row.LastSeq,
                $"{author.DisplayName} replied in “{row.Title}”"));
            webhooks.PostCreated(db, threadId, row.Slug, row.Title, category, post, author, rendered.Html);
            await db.SaveChangesAsync(ct);
            if (!watchers.Contains(author.Id)) await writes.WatchAsync(author.Id, threadId, ct);
            await writes.MarkOwnPostReadAsync(author.Id, threadId, row.LastSeq, ct);
            await search.IndexAsync(db, post, null, row.CategoryId, ct, isNew: true);
            var authorDto = ForumWrites.Author(author);
            var dto = new PostDto(post.Id, threadId, row.LastSeq, authorDto, rendered.Html, now, null, false, false, ForumWrites.NoReactions,
                row.Version);
            var location = $"/api/threads/{threadId}/posts?after={post.Seq - 1}&limit=1";
            if (key is not null && !await PostingKeys.TryStoreAsync(db, author.Id, key, purpose, location, dto, now, ct))
            {
                await tx.DisposeAsync(); // a twin with this key committed first: ours rolls back and its answer is ours
                return await PostingKeys.FindAsync(db, author.Id, key, now, ct) is { } twin
                    ? PostingKeys.Replay<PostDto>(twin, purpose)
                    : Problems.Conflict("This reply is being posted already. Try again in a moment.");
            }
            await writes.CountNewAsync(tx, row.CategoryId, threads: 0, now, ct); // commits

            reader.ThreadChanged(threadId);
            if (watchers.Contains(author.Id)) states.Read(author.Id, threadId, row.LastSeq);
            else states.Changed(author.Id);
            await bus.PublishAsync(ForumLive.Thread(threadId), ForumLive.PostCreated, dto, ct);
            var threadAuthor = row.AuthorId == author.Id ? authorDto : cached?.Author ?? await reader.AuthorAsync(row.AuthorId, ct);
            await writes.PublishActivityAsync(row.CategoryId, new ThreadSummary(threadId, row.Title, ForumReader.ThreadUrl(threadId, row.Slug),
                threadAuthor, row.CreatedAt, now, row.LastSeq, row.IsLocked, row.IsPinned, row.AcceptedSeq is not null, 0), ct);
            await writes.PublishNotesAsync(notes, ct);
            return TypedResults.Created(location, dto);
        }
    }
}
