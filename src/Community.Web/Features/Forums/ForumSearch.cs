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
    Task<IReadOnlyList<SearchHit>> SearchAsync(CommunityDb db, string query, IReadOnlyCollection<int> categoryIds, int limit, CancellationToken ct);
}

/// <summary>Bounds that keep one search cheap however large the forum grows.</summary>
internal static class ForumSearchLimits
{
    /// <summary>SQLite: the newest matching posts that are ranked; older matches are reached by adding words.</summary>
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
        WebUtility.HtmlEncode(marked).Replace(Open.ToString(), "<mark>", StringComparison.Ordinal).Replace(Close.ToString(), "</mark>", StringComparison.Ordinal);

    /// <summary>Marks whole-word-prefix hits of the terms in plain text.</summary>
    public static string Mark(string text, IReadOnlyList<string> terms)
    {
        if (terms.Count == 0) return WebUtility.HtmlEncode(text);
        var pattern = new Regex(@"\b(" + string.Join('|', terms.Select(Regex.Escape)) + @")\w*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
        return ToHtml(pattern.Replace(text, m => Open + m.Value + Close));
    }

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

/// <summary>SQLite FTS5 (the ForumSearch virtual table created by the Forums migration).</summary>
internal sealed class SqliteForumSearch : IForumSearch
{
    public async Task IndexAsync(CommunityDb db, ForumPost post, string? title, int categoryId, CancellationToken ct, bool isNew = false)
    {
        if (!isNew) await RemoveAsync(db, post.Id, ct);
        var text = Infrastructure.Markdown.MarkdownRenderer.PlainText(post.Html, 70_000);
        await db.Database.ExecuteSqlAsync($"INSERT INTO ForumSearch (title, body, post_id, thread_id, category_id) VALUES ({title ?? ""}, {text}, {post.Id}, {post.ThreadId}, {categoryId})", ct);
    }

    public Task RemoveAsync(CommunityDb db, long postId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"DELETE FROM ForumSearch WHERE post_id = {postId}", ct);

    public Task RemoveThreadAsync(CommunityDb db, long threadId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"DELETE FROM ForumSearch WHERE thread_id = {threadId}", ct);

    public Task MoveThreadAsync(CommunityDb db, long threadId, int categoryId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"UPDATE ForumSearch SET category_id = {categoryId} WHERE thread_id = {threadId}", ct);

    public Task RetitleAsync(CommunityDb db, long threadId, string title, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"UPDATE ForumSearch SET title = {title} WHERE thread_id = {threadId} AND title <> ''", ct);

    /// <summary>
    /// Ranking every match made a common word cost a full scan of its posting list. Instead the newest
    /// <see cref="ForumSearchLimits.Candidates"/> matches (walked backwards by rowid, which stops early) are ranked by bm25
    /// (titles weigh 3×), and snippets are built for the page of hits only.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(CommunityDb db, string query, IReadOnlyCollection<int> categoryIds, int limit, CancellationToken ct)
    {
        var terms = SearchText.Terms(query);
        if (terms.Count == 0 || categoryIds.Count == 0) return [];
        var match = string.Join(" AND ", terms.Select(t => "\"" + t + "\"*"));
        // category ids are integers from our own directory, safe to inline; the match text is a parameter.
        var inList = string.Join(',', categoryIds.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        var rows = new List<(long PostId, long ThreadId, string Snippet)>();
        try
        {
            var best = new List<long>();
            await using (var rank = connection.CreateCommand())
            {
                rank.CommandText = $"""
                    SELECT rowid FROM (
                      SELECT rowid, bm25(ForumSearch, 3.0, 1.0) AS score FROM ForumSearch
                      WHERE ForumSearch MATCH $q AND category_id IN ({inList}) ORDER BY rowid DESC LIMIT {ForumSearchLimits.Candidates})
                    ORDER BY score LIMIT {limit}
                    """;
                AddMatch(rank, match);
                await using var reader = await rank.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) best.Add(reader.GetInt64(0));
            }
            if (best.Count == 0) return [];
            var found = new Dictionary<long, (long, long, string)>();
            await using (var snippets = connection.CreateCommand())
            {
                snippets.CommandText = $"""
                    SELECT rowid, post_id, thread_id, snippet(ForumSearch, 1, char(2), char(3), '…', 24) FROM ForumSearch
                    WHERE ForumSearch MATCH $q AND rowid IN ({string.Join(',', best)})
                    """;
                AddMatch(snippets, match);
                await using var reader = await snippets.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) found[reader.GetInt64(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3));
            }
            rows.AddRange(best.Where(found.ContainsKey).Select(id => found[id]));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return await ForumSearchResults.BuildAsync(db, rows, terms, ct);
    }

    private static void AddMatch(System.Data.Common.DbCommand command, string match)
    {
        var p = command.CreateParameter();
        p.ParameterName = "$q";
        p.Value = match;
        command.Parameters.Add(p);
    }
}

/// <summary>PostgreSQL: case-insensitive substring match over the newest posts (a tsvector index can replace it without changing callers).</summary>
internal sealed class PostgresForumSearch : IForumSearch
{
    public Task IndexAsync(CommunityDb db, ForumPost post, string? title, int categoryId, CancellationToken ct, bool isNew = false) => Task.CompletedTask;
    public Task RemoveAsync(CommunityDb db, long postId, CancellationToken ct) => Task.CompletedTask;
    public Task RemoveThreadAsync(CommunityDb db, long threadId, CancellationToken ct) => Task.CompletedTask;
    public Task MoveThreadAsync(CommunityDb db, long threadId, int categoryId, CancellationToken ct) => Task.CompletedTask;
    public Task RetitleAsync(CommunityDb db, long threadId, string title, CancellationToken ct) => Task.CompletedTask;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(CommunityDb db, string query, IReadOnlyCollection<int> categoryIds, int limit, CancellationToken ct)
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
            var like = "%" + term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            q = q.Where(x => EF.Functions.ILike(x.p.Body, like) || (x.p.Seq == 1 && EF.Functions.ILike(x.t.Title, like)));
        }
        var found = await q.OrderByDescending(x => x.p.CreatedAt).Take(limit).Select(x => new { x.p.Id, x.p.ThreadId, x.p.Html }).ToListAsync(ct);
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
    public static async Task<IReadOnlyList<SearchHit>> BuildAsync(CommunityDb db, List<(long PostId, long ThreadId, string Snippet)> rows, List<string> terms,
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
        foreach (var (postId, threadId, snippet) in rows)
        {
            if (!info.TryGetValue(postId, out var i)) continue;
            hits.Add(new SearchHit(threadId, i.Seq, SearchText.Mark(i.Title, terms), $"{ForumReader.ThreadUrl(threadId, i.Slug)}#p{i.Seq}",
                markSnippet ? SearchText.Mark(snippet, terms) : SearchText.ToHtml(snippet), i.Category));
        }
        return hits;
    }
}
