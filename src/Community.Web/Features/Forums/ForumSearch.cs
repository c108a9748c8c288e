using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// Full-text search over thread titles and visible posts. Index calls run inside the writer's transaction so the index
/// never disagrees with the posts. Results are limited to the categories the caller may read.
/// </summary>
public interface IForumSearch
{
    Task IndexAsync(CommunityDb db, ForumPost post, string? title, int categoryId, CancellationToken ct, bool isNew = false);
    Task RemoveAsync(CommunityDb db, long postId, CancellationToken ct);
    Task RemoveThreadAsync(CommunityDb db, long threadId, CancellationToken ct);
    Task MoveThreadAsync(CommunityDb db, long threadId, int categoryId, CancellationToken ct);
    Task RetitleAsync(CommunityDb db, long threadId, string title, CancellationToken ct);
    /// <param name="everyCategory">The caller may read every category, so no category filter is needed.</param>
    /// <param name="skip">Ranked hits to pass over (the pages before this one).</param>
    Task<IReadOnlyList<SearchHit>> SearchAsync(CommunityDb db, string query, IReadOnlyCollection<int> categoryIds, bool everyCategory, int skip,
        int limit, CancellationToken ct);

    /// <summary>Threads whose titles hold two of <paramref name="terms"/> (any one when there are fewer than three; the last term
    /// also as a prefix: it may be half typed), newest first: (thread, title) pairs for similar-question suggestions.</summary>
    Task<IReadOnlyList<TitleMatch>> SimilarTitlesAsync(CommunityDb db, IReadOnlyList<string> terms,
        IReadOnlyCollection<int> categoryIds, bool everyCategory, int limit, CancellationToken ct);
}

/// <summary>A thread whose title matched, with what a suggestion shows (read in the same statement).</summary>
public sealed record TitleMatch(long ThreadId, string Title, string Slug, int CategoryId, bool Solved);

/// <summary>Bounds that keep one search cheap however large the forum grows.</summary>
internal static class ForumSearchLimits
{
    /// <summary>The newest matching posts that are ranked; older ones are reached by adding words to the query.</summary>
    public const int Candidates = 400;
}

/// <summary>The full-text match for similar titles: two of the terms (any one when there are fewer than three).</summary>
internal static class SimilarTitles
{
    public static int Shared(int terms) => terms >= 3 ? 2 : 1;

    public static string Match(IReadOnlyList<string> terms, Func<string, string> word, Func<string, string> prefix, string and, string or)
    {
        var parts = terms.Select((t, i) => i == terms.Count - 1 ? prefix(t) : word(t)).ToList();
        if (Shared(parts.Count) == 1) return string.Join(or, parts);
        var pairs = new List<string>();
        for (var i = 0; i < parts.Count; i++)
            for (var j = i + 1; j < parts.Count; j++) pairs.Add("(" + parts[i] + and + parts[j] + ")");
        return string.Join(or, pairs);
    }
}

internal static partial class SearchText
{
    public const char Open = '\u0002', Close = '\u0003';

    public static List<string> Terms(string query) =>
        [.. Word().Matches(query).Select(m => m.Value.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Take(8)];

    /// <summary>Escape first, then turn the markers into &lt;mark&gt;: user text never reaches the page as HTML.</summary>
    public static string ToHtml(string marked) =>
        WebUtility.HtmlEncode(marked)
            .Replace(Open.ToString(), "<mark>", StringComparison.Ordinal)
            .Replace(Close.ToString(), "</mark>", StringComparison.Ordinal);

    /// <summary>Finds whole-word-prefix hits of the terms; built once per search (a regex per hit cost more than the ranking).</summary>
    public static Regex? Marker(IReadOnlyList<string> terms) => terms.Count == 0 ? null
        : new Regex(@"\b(" + string.Join('|', terms.Select(Regex.Escape)) + @")\w*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
            TimeSpan.FromMilliseconds(200));

    /// <summary>Marks whole-word-prefix hits of the terms in plain text.</summary>
    public static string Mark(string text, Regex? marker) =>
        marker is null ? WebUtility.HtmlEncode(text) : ToHtml(marker.Replace(text, m => Open + m.Value + Close));

    /// <summary>A window of the text around the first hit.</summary>
    public static string Excerpt(string text, IReadOnlyList<string> terms, int length = 180)
    {
        var at = terms.Select(t => text.IndexOf(t, StringComparison.OrdinalIgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Max(0, at - 60);
        var slice = text.Substring(start, Math.Min(length, text.Length - start));
        return (start > 0 ? "…" : "") + slice + (start + slice.Length < text.Length ? "…" : "");
    }

    [GeneratedRegex(@"[\p{L}\p{N}_]{2,}")]
    private static partial Regex Word();
}

internal static class ForumSearchResults
{
    public static async Task<IReadOnlyList<SearchHit>> BuildAsync(CommunityDb db, List<(long PostId, long ThreadId, string Snippet)> rows,
        List<string> terms,
        CancellationToken ct, bool markSnippet = false)
    {
        if (rows.Count == 0) return [];
        var postIds = rows.Select(r => r.PostId).ToList();
        var info = await (from p in db.Set<ForumPost>().AsNoTracking()
                          join t in db.Set<ForumThread>() on p.ThreadId equals t.Id
                          join c in db.Set<ForumCategory>() on t.CategoryId equals c.Id
                          where postIds.Contains(p.Id) && !t.IsDeleted
                          select new { p.Id, p.Seq, t.Title, t.Slug, Category = c.Name, c.Kind }).ToDictionaryAsync(x => x.Id, ct);
        var hits = new List<SearchHit>();
        var marker = SearchText.Marker(terms);
        foreach (var (postId, threadId, snippet) in rows)
        {
            if (!info.TryGetValue(postId, out var i)) continue;
            hits.Add(new SearchHit(threadId, i.Seq, SearchText.Mark(i.Title, marker), $"{ForumReader.ThreadUrl(threadId, i.Slug)}#p{i.Seq}",
                markSnippet ? SearchText.Mark(snippet, marker) : SearchText.ToHtml(snippet), i.Category, i.Kind == CategoryKinds.Ideas));
        }
        return hits;
    }
}
