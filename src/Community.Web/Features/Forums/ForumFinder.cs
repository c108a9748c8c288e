using Community.Web.Data;

namespace Community.Web.Features.Forums;

/// <summary>A thread similar to a question being typed; <see cref="Solved"/> when it has an accepted answer.</summary>
public sealed record SimilarThread(long ThreadId, string Title, string Url, string Category, bool Solved, int Matched, bool IsIdea = false);

/// <summary>The forum's search for other features (unified search, similar questions), always limited to what the viewer may read.</summary>
public interface IForumFinder
{
    /// <summary>The first page of forum search hits (through <see cref="SearchCache"/>).</summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(ForumViewer viewer, string query, CancellationToken ct);

    /// <summary>Threads whose titles share words with <paramref name="terms"/>, those sharing the most first (newest on a tie).</summary>
    Task<IReadOnlyList<SimilarThread>> SimilarAsync(ForumViewer viewer, IReadOnlyList<string> terms, int limit, CancellationToken ct);
}

internal sealed class ForumFinder(CommunityDb db, ForumQueries queries, ForumReader reader, SearchCache cache, IForumSearch search) : IForumFinder
{
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(ForumViewer viewer, string query, CancellationToken ct)
    {
        var visible = (await queries.VisibleCategoriesAsync(viewer, ct)).Select(c => c.Id).ToList();
        return await cache.SearchAsync(query, visible, 1, ct);
    }

    public async Task<IReadOnlyList<SimilarThread>> SimilarAsync(ForumViewer viewer, IReadOnlyList<string> terms, int limit, CancellationToken ct)
    {
        var visible = await queries.VisibleCategoriesAsync(viewer, ct);
        if (terms.Count == 0 || visible.Count == 0) return [];
        var everyCategory = visible.Count == (await reader.CategoriesAsync(ct)).Count;
        var titles = await search.SimilarTitlesAsync(db, terms, visible.Select(c => c.Id).ToList(), everyCategory, 200, ct);
        var byId = visible.ToDictionary(c => c.Id);
        // A title sharing one word in passing is noise once the question has several words.
        var needed = SimilarTitles.Shared(terms.Count);
        return [.. titles.Where(t => byId.ContainsKey(t.CategoryId))
            .Select(t => new SimilarThread(t.ThreadId, t.Title, ForumReader.ThreadUrl(t.ThreadId, t.Slug), byId[t.CategoryId].Name, t.Solved,
                Matched(t.Title, terms), byId[t.CategoryId].IsIdeas))
            .Where(t => t.Matched >= needed)
            .Select((t, rank) => (t, rank)).OrderByDescending(x => x.t.Matched).ThenBy(x => x.rank).Select(x => x.t).Take(limit)];
    }

    /// <summary>How many terms start a word of the title (a term's first five letters, so "exporting" finds "Export").</summary>
    internal static int Matched(string title, IReadOnlyList<string> terms) => terms.Count(term =>
    {
        var stem = term.Length > 5 ? term[..5] : term;
        for (var at = title.IndexOf(stem, StringComparison.OrdinalIgnoreCase); at >= 0;
             at = title.IndexOf(stem, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            if (at == 0 || !char.IsLetterOrDigit(title[at - 1])) return true;
        }
        return false;
    });
}
