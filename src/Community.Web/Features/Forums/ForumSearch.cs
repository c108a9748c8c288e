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
}

/// <summary>Bounds that keep one search cheap however large the forum grows.</summary>
internal static class ForumSearchLimits
{
    /// <summary>SQLite: the newest matching posts that are ranked; older ones are reached by adding words to the query.</summary>
    public const int Candidates = 400;
    /// <summary>PostgreSQL: how many of the newest posts a substring search looks through.</summary>
    public const int PostgresScannedPosts = 200_000;
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

/// <summary>PostgreSQL: case-insensitive substring match over the newest posts (a tsvector index can replace it without changing callers).</summary>
internal sealed class PostgresForumSearch : IForumSearch
{
    public Task IndexAsync(CommunityDb db, ForumPost post, string? title, int categoryId, CancellationToken ct, bool isNew = false) =>
        Task.CompletedTask;
    public Task RemoveAsync(CommunityDb db, long postId, CancellationToken ct) => Task.CompletedTask;
    public Task RemoveThreadAsync(CommunityDb db, long threadId, CancellationToken ct) => Task.CompletedTask;
    public Task MoveThreadAsync(CommunityDb db, long threadId, int categoryId, CancellationToken ct) => Task.CompletedTask;
    public Task RetitleAsync(CommunityDb db, long threadId, string title, CancellationToken ct) => Task.CompletedTask;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(CommunityDb db, string query, IReadOnlyCollection<int> categoryIds, bool everyCategory,
        int skip, int limit, CancellationToken ct)
    {
        var terms = SearchText.Terms(query);
        if (terms.Count == 0 || categoryIds.Count == 0) return [];
        // Substring matching has no index: only the newest posts are scanned, so a rare word cannot cost a full table scan.
        var newest = await db.Set<ForumPost>().MaxAsync(p => (long?)p.Id, ct) ?? 0;
        var oldest = newest - ForumSearchLimits.PostgresScannedPosts;
        var q = from p in db.Set<ForumPost>().AsNoTracking()
                join t in db.Set<ForumThread>() on p.ThreadId equals t.Id
                where p.Id > oldest && !p.IsHidden && !p.IsDeleted && !t.IsDeleted && categoryIds.Contains(t.CategoryId)
                select new { p, t };
        foreach (var term in terms)
        {
            var escaped = term.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
            var like = "%" + escaped + "%";
            q = q.Where(x => EF.Functions.ILike(x.p.Body, like) || (x.p.Seq == 1 && EF.Functions.ILike(x.t.Title, like)));
        }
        var found = await q.OrderByDescending(x => x.p.CreatedAt).Skip(skip).Take(limit).Select(x => new { x.p.Id, x.p.ThreadId, x.p.Html })
            .ToListAsync(ct);
        var rows = found.Select(f =>
        {
            var text = Infrastructure.Markdown.MarkdownRenderer.PlainText(f.Html, 70_000);
            return (f.Id, f.ThreadId, SearchText.Excerpt(text, terms));
        }).ToList();
        return await ForumSearchResults.BuildAsync(db, rows, terms, ct, markSnippet: true);
    }
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
                          select new { p.Id, p.Seq, t.Title, t.Slug, Category = c.Name }).ToDictionaryAsync(x => x.Id, ct);
        var hits = new List<SearchHit>();
        var marker = SearchText.Marker(terms);
        foreach (var (postId, threadId, snippet) in rows)
        {
            if (!info.TryGetValue(postId, out var i)) continue;
            hits.Add(new SearchHit(threadId, i.Seq, SearchText.Mark(i.Title, marker), $"{ForumReader.ThreadUrl(threadId, i.Slug)}#p{i.Seq}",
                markSnippet ? SearchText.Mark(snippet, marker) : SearchText.ToHtml(snippet), i.Category));
        }
        return hits;
    }
}
