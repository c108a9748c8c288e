using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Markdown;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// The moderator queue: open flags (GET /api/mod/flags), their count for the staff menu (GET /api/mod/flags/open-count), and
/// the bulk action on them (POST /api/mod/flags/resolve: hide the flagged posts, or dismiss the flags). A moderator sees and
/// acts on flags only in categories they may read.
/// </summary>
public static class FlagQueue
{
    public static void Map(IEndpointRouteBuilder moderators)
    {
        moderators.MapGet("/mod/flags", async (ClaimsPrincipal user, Query queue, CancellationToken ct) =>
            TypedResults.Ok(await queue.ListAsync(ForumViewer.From(user), ct)));
        moderators.MapGet("/mod/flags/open-count", async (ClaimsPrincipal user, Query queue, CancellationToken ct) =>
            TypedResults.Ok(new OpenFlagCount(await queue.OpenCountAsync(ForumViewer.From(user), ct))));
        moderators.MapPost("/mod/flags/resolve", async Task<Results<Ok<ResolvedFlags>, ValidationProblem>> (ResolveFlagsRequest request,
            ClaimsPrincipal user, Resolver resolver, CancellationToken ct) => await resolver.ResolveAsync(ForumViewer.From(user), request, ct));
    }

    public sealed record ResolvedFlags(int Resolved);

    public static FieldErrors Validate(ResolveFlagsRequest request, List<long> ids)
    {
        var errors = new FieldErrors();
        if (ids.Count is 0 or > 200) errors.Add("ids", "Select 1–200 flags.");
        if (request.Action is not (FlagResolutions.HideAction or FlagResolutions.DismissAction)) errors.Add("action", "Action is hide or dismiss.");
        return errors;
    }

    public sealed class Query(CommunityDb db, ForumReader reader, IMemberDirectory members)
    {
        /// <summary>Flags on posts in the categories the viewer may read: all open ones, or just <paramref name="ids"/>.</summary>
        public async Task<IQueryable<PostFlag>> ReadableAsync(ForumViewer viewer, CancellationToken ct, IReadOnlyCollection<long>? ids = null)
        {
            var readable = (await reader.CategoriesAsync(ct)).Values.Where(viewer.CanRead).Select(c => c.Id).ToList();
            var flags = ids is null ? db.Set<PostFlag>().Where(f => f.ResolvedAt == null) : db.Set<PostFlag>().Where(f => ids.Contains(f.Id));
            return from f in flags.AsNoTracking()
                   join p in db.Set<ForumPost>() on f.PostId equals p.Id
                   join t in db.Set<ForumThread>() on p.ThreadId equals t.Id
                   where readable.Contains(t.CategoryId)
                   select f;
        }

        /// <summary>How many flags the moderator may act on wait in the queue: the number on the staff menu's Moderation link.</summary>
        public async Task<int> OpenCountAsync(ForumViewer viewer, CancellationToken ct) => await (await ReadableAsync(viewer, ct)).CountAsync(ct);

        /// <summary>Open flags the moderator may read, newest first; or one flag by id.</summary>
        public async Task<List<FlagDto>> ListAsync(ForumViewer viewer, CancellationToken ct, long? id = null)
        {
            var flags = await ReadableAsync(viewer, ct, id is { } one ? [one] : null);
            var rows = await (from f in flags
                              join p in db.Set<ForumPost>() on f.PostId equals p.Id
                              join t in db.Set<ForumThread>() on p.ThreadId equals t.Id
                              orderby f.Id descending
                              select new { f, p.ThreadId, p.Seq, p.Html, p.IsHidden, p.AuthorId, t.Title, t.Slug }).Take(200).ToListAsync(ct);
            var people = await members.FindManyAsync(rows.Select(x => x.AuthorId).Concat(rows.Select(x => x.f.MemberId)), ct);
            return [.. rows.Where(x => people.ContainsKey(x.AuthorId) && people.ContainsKey(x.f.MemberId))
                .Select(x => new FlagDto(x.f.Id, x.f.PostId, x.ThreadId, x.Seq, x.Title, $"{ForumReader.ThreadUrl(x.ThreadId, x.Slug)}#p{x.Seq}",
                    MarkdownRenderer.PlainText(x.Html, 240), ForumWrites.Author(people[x.AuthorId]), people[x.f.MemberId].DisplayName, x.f.Reason,
                    x.f.CreatedAt, x.IsHidden))];
        }
    }

    public sealed class Resolver(CommunityDb db, Query queue, HidePost.Handler hide, ILiveBus bus, TimeProvider clock)
    {
        public async Task<Results<Ok<ResolvedFlags>, ValidationProblem>> ResolveAsync(ForumViewer viewer, ResolveFlagsRequest request,
            CancellationToken ct)
        {
            var ids = request.Ids?.Distinct().ToList() ?? [];
            if (Validate(request, ids) is { Any: true } errors) return errors.ToProblem();
            // Flags in categories the moderator cannot read are not theirs to act on: they stay open for someone who can.
            ids = await (await queue.ReadableAsync(viewer, ct, ids)).Select(f => f.Id).ToListAsync(ct);
            var hiding = request.Action == FlagResolutions.HideAction;
            if (hiding)
            {
                var posts = await db.Set<PostFlag>().Where(f => ids.Contains(f.Id) && f.ResolvedAt == null).Select(f => f.PostId).Distinct()
                    .ToListAsync(ct);
                foreach (var postId in posts)
                {
                    var gone = await db.Set<ForumPost>().AsNoTracking().Where(p => p.Id == postId).Select(p => p.IsHidden || p.IsDeleted)
                        .FirstAsync(ct);
                    if (!gone) await hide.HandleAsync(viewer, postId, hidden: true, request.Reason ?? "Flagged", ct);
                }
                db.ChangeTracker.Clear();
            }
            int resolved;
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                var flags = await db.Set<PostFlag>().Where(f => ids.Contains(f.Id) && f.ResolvedAt == null).ToListAsync(ct);
                var now = clock.GetUtcNow().UtcDateTime;
                foreach (var f in flags)
                {
                    f.ResolvedAt = now;
                    f.ResolvedById = viewer.MemberId;
                    f.Resolution = hiding ? FlagResolutions.Hidden : FlagResolutions.Dismissed;
                }
                if (!hiding && flags.Count > 0)
                {
                    db.Add(new ModAction
                    {
                        ModeratorId = viewer.MemberId!, Action = ModActions.DismissFlags, Target = $"{flags.Count} flag(s)",
                        Reason = request.Reason?.Trim() ?? "", CreatedAt = now,
                    });
                }
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                resolved = flags.Count;
            }
            await bus.PublishAsync(ForumLive.ModQueue, ForumLive.FlagsResolved, new FlagsResolvedEvent(ids), ct);
            return TypedResults.Ok(new ResolvedFlags(resolved));
        }
    }
}
