using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;

namespace Community.Web.Features.Forums;

/// <summary>
/// GET /api/search?q=&amp;page=: limited per client (member, or address when anonymous), answered from
/// <see cref="SearchCache"/>, whose key holds the categories the caller may read, so a cached page can never show a post
/// from a category the caller cannot see. Pages reach as far as the ranked candidates do (<see cref="MaxPage"/>).
/// </summary>
internal static class SearchEndpoint
{
    public const int PageSize = 30;

    /// <summary>The last page that can hold hits: only the newest <see cref="ForumSearchLimits.Candidates"/> matches are ranked.</summary>
    public const int MaxPage = (ForumSearchLimits.Candidates + PageSize - 1) / PageSize;

    public static void MapSearch(this RouteGroupBuilder api) =>
        api.MapGet("/search", async Task<Results<Ok<IReadOnlyList<SearchHit>>, ValidationProblem>> (string? q, int? page, HttpContext http,
            ForumQueries queries, SearchCache cache, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(q) || q.Length > 200) return new FieldErrors().Add("q", "Search for 1–200 characters.").ToProblem();
            if (page is < 1 or > MaxPage)
                return new FieldErrors().Add("page", $"Pages run from 1 to {MaxPage}; add words to reach older posts.").ToProblem();
            var visible = (await queries.VisibleCategoriesAsync(ForumViewer.From(http.User), ct)).Select(c => c.Id).ToList();
            return TypedResults.Ok(await cache.SearchAsync(q, visible, page ?? 1, ct));
        }).RequireRateLimiting(RateLimits.Search);
}
