using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.Extensions.Caching.Memory;

namespace Community.Web.Features.Forums;

/// <summary>
/// GET /api/search: limited per client (member, or address when anonymous), answered from a short-lived cache of popular
/// queries. The cache key holds the categories the caller may read, so a hit can never show a post from a category the
/// caller cannot see, and the forum's activity generation, so any post, edit, hide or delete on any server retires it.
/// </summary>
internal static class SearchEndpoint
{
    public const int PageSize = 30;

    public static void MapSearch(this RouteGroupBuilder api) =>
        api.MapGet("/search", async Task<Results<Ok<IReadOnlyList<SearchHit>>, ValidationProblem>> (string? q, HttpContext http, ForumQueries queries,
            SearchCache cache, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(q) || q.Length > 200) return new FieldErrors().Add("q", "Search for 1–200 characters.").ToProblem();
            var visible = (await queries.VisibleCategoriesAsync(ForumViewer.From(http.User), ct)).Select(c => c.Id).ToList();
            return TypedResults.Ok(await cache.SearchAsync(q, visible, ct));
        }).RequireRateLimiting(RateLimits.Search);
}

public sealed class SearchCache(IServiceScopeFactory scopes, IForumSearch search, ForumReader reader) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 2_000 });

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, List<int> visibleCategories, CancellationToken ct)
    {
        var terms = SearchText.Terms(query);
        if (terms.Count == 0 || visibleCategories.Count == 0) return [];
        visibleCategories.Sort();
        var key = $"{reader.CategoryGeneration}|{string.Join(',', visibleCategories)}|{string.Join(' ', terms)}";
        if (_cache.TryGetValue(key, out IReadOnlyList<SearchHit>? hit)) return hit!;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var everyCategory = visibleCategories.Count == (await reader.CategoriesAsync(ct)).Count;
        var hits = await search.SearchAsync(db, query, visibleCategories, everyCategory, SearchEndpoint.PageSize, ct);
        _cache.Set(key, hits, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
        return hits;
    }

    public void Dispose() => _cache.Dispose();
}
