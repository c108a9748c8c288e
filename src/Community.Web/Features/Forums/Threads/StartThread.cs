using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Markdown;
using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Forums;

/// <summary>POST /api/threads: a member starts a thread in a category they may read; its author watches it.</summary>
public static class StartThread
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder members) =>
        members.MapPost("/threads", async Task<Results<Created<CreatedThread>, ProblemHttpResult, ValidationProblem>> (CreateThreadRequest request,
            ClaimsPrincipal user, HttpRequest http, Handler handler, CancellationToken ct) =>
        {
            var (key, bad) = PostingKeys.From(http);
            return bad ?? await handler.HandleAsync(ForumViewer.From(user), request, key, ct);
        });

    public static FieldErrors Validate(CreateThreadRequest request)
    {
        var errors = new FieldErrors();
        errors.Text("title", request.Title, ForumWrites.TitleMin, ForumWrites.TitleMax, "Title");
        errors.Text("body", request.Body, 1, int.MaxValue, "Post");
        if (request.CategoryId is null) errors.Add("categoryId", "Choose a category.");
        return errors;
    }

    public sealed class Handler(CommunityDb db, ForumReader reader, ForumWrites writes, ILiveBus bus, IForumSearch search, MemberThreadStates states,
        ForumWebhooks webhooks)
    {
        public Task<Results<Created<CreatedThread>, ProblemHttpResult, ValidationProblem>> HandleAsync(
            ForumViewer viewer, CreateThreadRequest request, CancellationToken ct) => HandleAsync(viewer, request, null, ct);

        /// <summary>With an idempotency key (see <see cref="PostingKey"/>): a repeat answers the first thread again.</summary>
        public async Task<Results<Created<CreatedThread>, ProblemHttpResult, ValidationProblem>> HandleAsync(
            ForumViewer viewer, CreateThreadRequest request, string? key, CancellationToken ct)
        {
            const string purpose = "thread";
            if (key is not null && viewer.MemberId is { } member && await PostingKeys.FindAsync(db, member, key, writes.Now, ct) is { } earlier)
            {
                return PostingKeys.Replay<CreatedThread>(earlier, purpose);
            }
            if (Validate(request) is { Any: true } errors) return errors.ToProblem();
            var categories = await reader.CategoriesAsync(ct);
            if (!categories.TryGetValue(request.CategoryId!.Value, out var category)
                || !viewer.CanRead(category)) return ForumProblems.NotFound("category");
            var (author, refused) = await writes.ActorAsync(viewer, posting: true, ct);
            if (refused is not null) return refused;
            var (rendered, rejected) = await writes.RenderAsync(request.Body!, ct);
            if (rejected is not null) return rejected;
            var now = writes.Now;
            var title = request.Title!.Trim();

            await using var tx = await db.BeginWriteAsync(ct);
            var thread = new ForumThread
            {
                CategoryId = category.Id, AuthorId = author!.Id, Title = title, Slug = ForumWrites.Slugify(title),
                Summary = MarkdownRenderer.PlainText(rendered!.Html, 300), CreatedAt = now, LastPostAt = now, LastSeq = 1, Version = 1,
            };
            db.Add(thread);
            await db.SaveChangesAsync(ct);
            var post = new ForumPost { ThreadId = thread.Id, Seq = 1, AuthorId = author.Id, Body = request.Body!, Html = rendered.Html,
                CreatedAt = now, Version = 1 };
            db.Add(post);
            db.Add(new ThreadWatch { ThreadId = thread.Id, MemberId = author.Id });
            db.Add(new ThreadRead { ThreadId = thread.Id, MemberId = author.Id, LastReadSeq = 1 });
            var mentioned = await writes.ReadersAsync(rendered.Mentioned.Where(m => m.Id != author.Id).Select(m => m.Id), category, ct);
            var notes = writes.Notify(mentioned, NotificationKinds.Mention, thread.Id, thread.Slug, 1,
                $"{author.DisplayName} mentioned you in “{title}”");
            webhooks.ThreadCreated(db, thread, category, author);
            await db.SaveChangesAsync(ct);
            await search.IndexAsync(db, post, title, category.Id, ct, isNew: true);
            var authorDto = ForumWrites.Author(author);
            var dto = new ThreadDto(thread.Id, title, thread.Slug, ForumReader.ThreadUrl(thread.Id, thread.Slug), category.Ref, authorDto, now,
                now, 1,
                false, false, null, 1, thread.Summary);
            var postDto = new PostDto(post.Id, thread.Id, 1, authorDto, rendered.Html, now, null, false, false, ForumWrites.NoReactions, 1);
            if (key is not null && !await PostingKeys.TryStoreAsync(db, author.Id, key, purpose, dto.Url, new CreatedThread(dto, postDto), now, ct))
            {
                await tx.DisposeAsync(); // a twin with this key committed first: ours rolls back and its answer is ours
                return await PostingKeys.FindAsync(db, author.Id, key, now, ct) is { } twin
                    ? PostingKeys.Replay<CreatedThread>(twin, purpose)
                    : Problems.Conflict("This thread is being posted already. Try again in a moment.");
            }
            await writes.CountNewAsync(tx, category.Id, threads: 1, now, ct); // commits

            reader.ThreadChanged(thread.Id);
            states.Changed(author.Id);
            await bus.PublishAsync(ForumLive.Category(category.Id), ForumLive.ThreadCreated,
                new CategoryThreadEvent(category.Id, ForumWrites.Summary(dto)), ct);
            await writes.PublishNotesAsync(notes, ct);
            return TypedResults.Created(dto.Url, new CreatedThread(dto, postDto));
        }
    }
}
