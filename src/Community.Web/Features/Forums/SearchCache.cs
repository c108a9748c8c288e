using Community.Web.Data;
using Microsoft.Extensions.Caching.Memory;

namespace Community.Web.Features.Forums;

/// <summary>
/// Popular searches answered from memory: a bounded cache of result pages keyed by (the query's normalised words, the
/// sorted set of categories the viewer may read, the page). Two viewers share an entry only when they may read exactly
/// the same categories, so a page holding a private post is never handed to someone outside that category.
/// Every key also carries the forum's activity generation (<see cref="ForumReader.CategoryGeneration"/>), which moves on
/// every post, edit, hide, delete, move and category change, on this server at once and on the others through the
/// PostgreSQL cache signals; the whole cache is then dropped, so stale pages neither answer nor hold memory.
/// </summary>
public sealed class SearchCache : IDisposable
{
    /// <summary>Result pages held at most (each a page of up to <see cref="SearchEndpoint.PageSize"/> hits, a few KiB).</summary>
    public const int MaxPages = 2_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxPages });
    private readonly IServiceScopeFactory _scopes;
    private readonly IForumSearch _search;
    private readonly ForumReader _reader;
    private long _generation;
    private long _misses;

    public SearchCache(IServiceScopeFactory scopes, IForumSearch search, ForumReader reader)
    {
        _scopes = scopes;
        _search = search;
        _reader = reader;
        _generation = reader.CategoryGeneration;
    }

    /// <summary>Searches that had to ask the index (for tests and diagnostics).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The <paramref name="page"/>-th (from 1) page of the best hits among the categories in <paramref name="visibleCategories"/>.</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, List<int> visibleCategories, int page, CancellationToken ct)
    {
        var terms = SearchText.Terms(query);
        if (terms.Count == 0 || visibleCategories.Count == 0) return [];
        var generation = CurrentGeneration();
        visibleCategories.Sort();
        var key = $"{generation}|{string.Join(',', visibleCategories)}|{page}|{string.Join(' ', terms)}";
        if (_cache.TryGetValue(key, out IReadOnlyList<SearchHit>? hit)) return hit!;
        Interlocked.Increment(ref _misses);
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var everyCategory = visibleCategories.Count == (await _reader.CategoriesAsync(ct)).Count;
        var hits = await _search.SearchAsync(db, string.Join(' ', terms), visibleCategories, everyCategory, (page - 1) * SearchEndpoint.PageSize,
            SearchEndpoint.PageSize, ct);
        // Stored under the generation read before searching: if the forum changed meanwhile, no later request asks for it.
        _cache.Set(key, hits, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        return hits;
    }

    private long CurrentGeneration()
    {
        var now = _reader.CategoryGeneration;
        var seen = Interlocked.Read(ref _generation);
        if (now != seen && Interlocked.CompareExchange(ref _generation, now, seen) == seen) _cache.Clear();
        return now;
    }

    public void Dispose() => _cache.Dispose();
}
