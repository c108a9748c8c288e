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
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO ForumSearch (title, body, post_id, thread_id, category_id)
            VALUES ({title ?? ""}, {text}, {post.Id}, {post.ThreadId}, {categoryId})
            """, ct);
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

    /// <summary>Prefix lengths the index holds (migration SearchPrefixIndex): a longer prefix has no index of its own.</summary>
    private const int IndexedPrefix = 4;

    /// <summary>How many newest matches of a long term's first <see cref="IndexedPrefix"/> characters are checked here.</summary>
    private const int PrefixScan = 2_000;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(CommunityDb db, string query, IReadOnlyCollection<int> categoryIds, bool everyCategory,
        int skip, int limit, CancellationToken ct)
    {
        var terms = SearchText.Terms(query);
        if (terms.Count == 0 || categoryIds.Count == 0) return [];
        // category ids are integers from our own directory, safe to inline; the match text is a parameter.
        var filter = everyCategory ? ""
            : $"AND category_id IN ({string.Join(',', categoryIds.Select(i => i.ToString(CultureInfo.InvariantCulture)))})";
        List<Candidate> candidates;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            candidates = await CandidatesAsync(db.Database.GetDbConnection(), terms, filter, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        if (candidates.Count == 0) return [];
        var averageLength = Math.Max(1, candidates.Average(c => c.Body.Length));
        // Stable sort: equal scores keep the newest first.
        var best = candidates.Select((c, i) => (c, Score: Score(c, terms, averageLength), i)).OrderByDescending(x => x.Score).ThenBy(x => x.i)
            .Skip(skip).Take(limit).Select(x => (x.c.PostId, x.c.ThreadId, SearchText.Excerpt(x.c.Body, terms))).ToList();
        return await ForumSearchResults.BuildAsync(db, best, terms, ct, markSnippet: true);
    }

    /// <summary>
    /// The newest matches, without letting FTS5 merge a common long prefix: a prefix longer than the indexed ones makes FTS5
    /// copy the whole list of every word it starts before returning the first row (at 1,000,000 posts, two common words
    /// of five letters or more took 70–600 ms: that was the p99 tail). So long terms are matched as whole (stemmed) words
    /// first, which FTS5 walks newest-first and stops. Only when no post holds them as words (a word typed in part) are
    /// the newest matches of their first four letters read through the prefix index and checked here; and only when
    /// none of those has them either does FTS5 match the prefix itself, which is then rare among recent posts.
    /// </summary>
    private static async Task<List<Candidate>> CandidatesAsync(System.Data.Common.DbConnection connection, List<string> terms, string filter,
        CancellationToken ct)
    {
        static string Quote(string t) => "\"" + t + "\"";
        static string Match(IEnumerable<string> parts) => string.Join(" AND ", parts);
        const int cap = ForumSearchLimits.Candidates;
        var prefixes = Match(terms.Select(t => Quote(t) + "*"));
        var longTerms = terms.Where(t => t.Length > IndexedPrefix).ToList();
        if (longTerms.Count == 0) return await ReadAsync(connection, prefixes, filter, cap, ct);

        var found = await ReadAsync(connection, Match(terms.Select(t => t.Length > IndexedPrefix ? Quote(t) : Quote(t) + "*")), filter, cap, ct);
        if (found.Count > 0) return found;
        var firstLetters = Match(terms.Select(t => Quote(t[..Math.Min(t.Length, IndexedPrefix)]) + "*"));
        var scanned = await ReadAsync(connection, firstLetters, filter, PrefixScan, ct);
        found = [.. scanned.Where(c => longTerms.All(t => Occurrences(c.Body, t) > 0 || Occurrences(c.Title, t) > 0)).Take(cap)];
        return found.Count > 0 || scanned.Count < PrefixScan ? found : await ReadAsync(connection, prefixes, filter, cap, ct);
    }

    private static async Task<List<Candidate>> ReadAsync(System.Data.Common.DbConnection connection, string match, string filter, int limit,
        CancellationToken ct)
    {
        var candidates = new List<Candidate>();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT post_id, thread_id, title, body FROM ForumSearch WHERE ForumSearch MATCH $q {filter}
            ORDER BY rowid DESC LIMIT {limit.ToString(CultureInfo.InvariantCulture)}
            """;
        var p = command.CreateParameter();
        p.ParameterName = "$q";
        p.Value = match;
        command.Parameters.Add(p);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            candidates.Add(new Candidate(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
        return candidates;
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

    public async Task<IReadOnlyList<TitleMatch>> SimilarTitlesAsync(CommunityDb db, IReadOnlyList<string> terms,
        IReadOnlyCollection<int> categoryIds, bool everyCategory, int limit, CancellationToken ct)
    {
        if (terms.Count == 0 || categoryIds.Count == 0) return [];
        var filter = everyCategory ? ""
            : $"AND t.CategoryId IN ({string.Join(',', categoryIds.Select(i => i.ToString(CultureInfo.InvariantCulture)))})";
        // The title index (migration ThreadTitleSearch) holds one row per thread; the last term may be half typed. Ranking every
        // match (bm25) cost 10-150 ms at 10,000 threads: instead titles sharing two of the words (any one when there are fewer
        // than three) are intersected in the index, the newest 400 read, and the caller ranks them by how many words they share.
        var match = SimilarTitles.Match(terms, t => "\"" + t + "\"", t => "\"" + t + "\"*", " AND ", " OR ");
        var rows = new List<TitleMatch>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"""
                SELECT t.Id, t.Title, t.Slug, t.CategoryId, t.AcceptedSeq IS NOT NULL
                FROM (SELECT rowid FROM ForumTitleSearch WHERE ForumTitleSearch MATCH $q ORDER BY rowid DESC LIMIT 400) m
                JOIN ForumThreads t ON t.Id = m.rowid WHERE t.IsDeleted = 0 {filter}
                ORDER BY t.Id DESC LIMIT {limit.ToString(CultureInfo.InvariantCulture)}
                """;
            var p = command.CreateParameter();
            p.ParameterName = "$q";
            p.Value = match;
            command.Parameters.Add(p);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add(new TitleMatch(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetBoolean(4)));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return rows;
    }

    /// <summary>Words starting with the term (the index matched the same prefixes).</summary>
    private static int Occurrences(string text, string term)
    {
        var count = 0;
        for (var at = text.IndexOf(term, StringComparison.OrdinalIgnoreCase); at >= 0;
             at = text.IndexOf(term, at + term.Length, StringComparison.OrdinalIgnoreCase))
        {
            if (at == 0 || !char.IsLetterOrDigit(text[at - 1])) count++;
        }
        return count;
    }
}
