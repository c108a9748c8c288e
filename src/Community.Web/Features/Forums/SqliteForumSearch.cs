using System.Globalization;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// SQLite FTS5 (the ForumSearch virtual table, prefix-indexed). Index calls run inside the writer's transaction.
/// Searching never touches every match: FTS5's bm25() counts the documents holding each term on every query, which for a
/// common word means its whole posting list. Instead the newest <see cref="ForumSearchLimits.Candidates"/> matches are
/// read (walking the index backwards by rowid stops early), ranked here by a BM25-style term-frequency score with titles
/// weighing 3×, and the snippet is cut from the text already read.
/// </summary>
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

    private sealed record Candidate(long PostId, long ThreadId, string Title, string Body);

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(CommunityDb db, string query, IReadOnlyCollection<int> categoryIds, bool everyCategory, int limit,
        CancellationToken ct)
    {
        var terms = SearchText.Terms(query);
        if (terms.Count == 0 || categoryIds.Count == 0) return [];
        var match = string.Join(" AND ", terms.Select(t => "\"" + t + "\"*"));
        // category ids are integers from our own directory, safe to inline; the match text is a parameter.
        var filter = everyCategory ? "" : $"AND category_id IN ({string.Join(',', categoryIds.Select(i => i.ToString(CultureInfo.InvariantCulture)))})";
        var candidates = new List<Candidate>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT post_id, thread_id, title, body FROM ForumSearch WHERE ForumSearch MATCH $q {filter}
                ORDER BY rowid DESC LIMIT {ForumSearchLimits.Candidates}
                """;
            var p = command.CreateParameter();
            p.ParameterName = "$q";
            p.Value = match;
            command.Parameters.Add(p);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) candidates.Add(new Candidate(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        if (candidates.Count == 0) return [];
        var averageLength = Math.Max(1, candidates.Average(c => c.Body.Length));
        // Stable sort: equal scores keep the newest first.
        var best = candidates.Select((c, i) => (c, Score: Score(c, terms, averageLength), i)).OrderByDescending(x => x.Score).ThenBy(x => x.i).Take(limit)
            .Select(x => (x.c.PostId, x.c.ThreadId, SearchText.Excerpt(x.c.Body, terms))).ToList();
        return await ForumSearchResults.BuildAsync(db, best, terms, ct, markSnippet: true);
    }

    private static double Score(Candidate c, IReadOnlyList<string> terms, double averageLength)
    {
        const double k1 = 1.2, b = 0.75, titleWeight = 3;
        var norm = k1 * (1 - b + b * c.Body.Length / averageLength);
        var score = 0.0;
        foreach (var term in terms)
        {
            var inBody = Occurrences(c.Body, term);
            var inTitle = c.Title.Length == 0 ? 0 : Occurrences(c.Title, term);
            score += inBody * (k1 + 1) / (inBody + norm) + titleWeight * inTitle * (k1 + 1) / (inTitle + k1);
        }
        return score;
    }

    /// <summary>Words starting with the term (the index matched the same prefixes).</summary>
    private static int Occurrences(string text, string term)
    {
        var count = 0;
        for (var at = text.IndexOf(term, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(term, at + term.Length, StringComparison.OrdinalIgnoreCase))
        {
            if (at == 0 || !char.IsLetterOrDigit(text[at - 1])) count++;
        }
        return count;
    }
}
