using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// GET /api/ideas (lists across the Ideas categories the caller may read: sort top, trending or new, filter by status and category)
/// and GET /api/ideas/{id} (one idea with the caller's vote and budget).
/// </summary>
public sealed class IdeaQueries(CommunityDb db, IdeaWrites ideas, ForumReader reader, IMemberDirectory members)
{
    public const int PageSize = 30;
    public static readonly IReadOnlyList<string> Sorts = ["top", "trending", "new"];

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/ideas", async Task<Results<Ok<List<IdeaSummary>>, ProblemHttpResult, ValidationProblem>> (string? sort, string? status,
            string? category, int? page, HttpContext http, IdeaQueries q, CancellationToken ct) =>
        {
            if (sort is not null && !Sorts.Contains(sort)) return ForumProblems.Invalid("sort", "Sort by top, trending or new.");
            if (status is not null && !IdeaStatuses.All.Contains(status)) return ForumProblems.Invalid("status", "Unknown status.");
            var viewer = ForumViewer.From(http.User);
            var (list, more) = await q.ListAsync(viewer, sort ?? "top", status, category, Math.Max(1, page ?? 1), ct);
            if (list is null) return ForumProblems.NotFound("category");
            if (more)
            {
                var query = http.Request.Query.Where(p => p.Key != "page").Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value.ToString())}");
                http.Response.Headers.Link = $"</api/ideas?{string.Join('&', query.Append($"page={(page ?? 1) + 1}"))}>; rel=\"next\"";
            }
            return TypedResults.Ok(list);
        });
        api.MapGet("/ideas/{id:long}", async Task<Results<Ok<IdeaDetail>, ProblemHttpResult>> (long id, ClaimsPrincipal user, IdeaQueries q,
            CancellationToken ct) =>
        {
            return await q.DetailAsync(id, ForumViewer.From(user), ct) is { } detail ? TypedResults.Ok(detail) : ForumProblems.NotFound("idea");
        });
    }

    public async Task<(List<IdeaSummary>? List, bool More)> ListAsync(ForumViewer viewer, string sort, string? status, string? categorySlug, int page,
        CancellationToken ct)
    {
        var categories = (await reader.CategoriesAsync(ct)).Values.Where(c => c.IsIdeas && viewer.CanRead(c)).ToList();
        if (categorySlug is not null)
        {
            categories = [.. categories.Where(c => string.Equals(c.Slug, categorySlug, StringComparison.OrdinalIgnoreCase))];
            if (categories.Count == 0) return (null, false);
        }
        var ids = categories.Select(c => c.Id).ToList();
        var since = ideas.Now.AddDays(-ideas.Options.TrendingDays);
        var rows = from t in db.Set<ForumThread>().AsNoTracking()
                   where !t.IsDeleted && ids.Contains(t.CategoryId)
                   join i in db.Set<Idea>() on t.Id equals i.ThreadId into found
                   from i in found.DefaultIfEmpty()
                   where i == null || i.MergedIntoId == null
                   select new
                   {
                       t.Id, t.Title, t.Slug, t.CategoryId, t.AuthorId, t.CreatedAt, t.LastSeq,
                       Status = i == null ? IdeaStatuses.New : i.Status,
                       Votes = i == null ? 0 : i.VoteCount,
                       Recent = db.Set<IdeaVote>().Count(v => v.ThreadId == t.Id && v.CreatedAt >= since),
                   };
        if (status is not null) rows = rows.Where(r => r.Status == status);
        rows = sort switch
        {
            "new" => rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id),
            "trending" => rows.OrderByDescending(r => r.Recent).ThenByDescending(r => r.Votes).ThenByDescending(r => r.Id),
            _ => rows.OrderByDescending(r => r.Votes).ThenByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id),
        };
        var list = await rows.Skip((page - 1) * PageSize).Take(PageSize + 1).ToListAsync(ct);
        var more = list.Count > PageSize;
        if (more) list.RemoveAt(PageSize);
        var authors = await members.FindManyAsync(list.Select(r => r.AuthorId), ct);
        var threadIds = list.Select(r => r.Id).ToList();
        var voted = viewer.MemberId is { } me
            ? (await db.Set<IdeaVote>().AsNoTracking().Where(v => v.MemberId == me && threadIds.Contains(v.ThreadId)).Select(v => v.ThreadId)
                .ToListAsync(ct)).ToHashSet()
            : [];
        var byId = categories.ToDictionary(c => c.Id);
        return ([.. list.Select(r => new IdeaSummary(r.Id, r.Title, ForumReader.ThreadUrl(r.Id, r.Slug), byId[r.CategoryId].Ref,
            ForumReader.AuthorOf(authors, r.AuthorId), r.CreatedAt, r.Status, IdeaStatuses.Label(r.Status), r.Votes, r.Recent, r.LastSeq - 1,
            voted.Contains(r.Id)))], more);
    }

    public async Task<IdeaDetail?> DetailAsync(long id, ForumViewer viewer, CancellationToken ct) =>
        await ideas.FindAsync(id, viewer, ct) is { } found ? await DetailAsync(db, ideas, found, viewer, ct) : null;

    public static async Task<IdeaDetail?> DetailAsync(CommunityDb db, IdeaWrites ideas, (ThreadDto Thread, CategoryInfo Category) found,
        ForumViewer viewer, CancellationToken ct)
    {
        var t = found.Thread;
        var idea = await db.Set<Idea>().AsNoTracking().FirstOrDefaultAsync(i => i.ThreadId == t.Id, ct) ?? new Idea { ThreadId = t.Id };
        var voted = false;
        int? left = null;
        if (viewer.MemberId is { } me)
        {
            voted = await db.Set<IdeaVote>().AnyAsync(v => v.ThreadId == t.Id && v.MemberId == me, ct);
            left = await ideas.VotesLeftAsync(me, ct);
        }
        return new IdeaDetail(t.Id, t.Title, t.Url, found.Category.Ref, t.Author, t.CreatedAt, idea.Status, IdeaStatuses.Label(idea.Status),
            idea.StatusNote, idea.StatusChangedAt, idea.AnnouncementUrl, idea.VoteCount, idea.MergedIntoId, voted, left, ideas.Options.VoteBudget,
            IdeaWrites.IsStaff(viewer));
    }
}
