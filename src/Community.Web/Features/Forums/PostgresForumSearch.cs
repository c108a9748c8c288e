using System.Data.Common;
using Community.Web.Data;
using Community.Web.Data.Migrations;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// PostgreSQL full-text search: the ForumSearch table (migration PostgresSearch) holds each visible post's text and a
/// weighted <c>tsvector</c> (title 'A', body 'D') under a GIN index. Index calls run inside the writer's transaction.
/// Like the SQLite search it reads the newest <see cref="ForumSearchLimits.Candidates"/> matches (the planner walks the
/// primary key backwards for a common word, the GIN index for a rare one), ranks them with <c>ts_rank</c> (titles 3×) and
/// cuts the snippet with <c>ts_headline</c>, whose highlight markers are control characters turned into &lt;mark&gt; only
/// after the text is HTML-escaped (<see cref="SearchText.ToHtml"/>), exactly as on SQLite.
/// </summary>
internal sealed class PostgresForumSearch : IForumSearch
{
    private const string Config = PostgresSearch.Config;

    /// <summary>ts_headline reads the whole text it is given: a hit's snippet comes from its first 20,000 characters.</summary>
    private const int HeadlineChars = 20_000;

    private static readonly string HeadlineOptions =
        $"StartSel={SearchText.Open}, StopSel={SearchText.Close}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"";

    public Task IndexAsync(CommunityDb db, ForumPost post, string? title, int categoryId, CancellationToken ct, bool isNew = false)
    {
        var text = Clean(Infrastructure.Markdown.MarkdownRenderer.PlainText(post.Html, 70_000));
        var heading = Clean(title ?? "");
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO "ForumSearch" ("PostId", "ThreadId", "CategoryId", "Title", "Body")
            VALUES ({post.Id}, {post.ThreadId}, {categoryId}, {heading}, {text})
            ON CONFLICT ("PostId") DO UPDATE SET "ThreadId" = excluded."ThreadId", "CategoryId" = excluded."CategoryId",
              "Title" = excluded."Title", "Body" = excluded."Body"
            """, ct);
    }

    public Task RemoveAsync(CommunityDb db, long postId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""DELETE FROM "ForumSearch" WHERE "PostId" = {postId}""", ct);

    public Task RemoveThreadAsync(CommunityDb db, long threadId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""DELETE FROM "ForumSearch" WHERE "ThreadId" = {threadId}""", ct);

    public Task MoveThreadAsync(CommunityDb db, long threadId, int categoryId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""UPDATE "ForumSearch" SET "CategoryId" = {categoryId} WHERE "ThreadId" = {threadId}""", ct);

    public Task RetitleAsync(CommunityDb db, long threadId, string title, CancellationToken ct)
    {
        var heading = Clean(title);
        return db.Database.ExecuteSqlAsync($"""UPDATE "ForumSearch" SET "Title" = {heading} WHERE "ThreadId" = {threadId} AND "Title" <> ''""", ct);
    }

    /// <summary>
    /// The text indexed and later shown: the highlight markers may only come from ts_headline, so user text loses them
    /// (and NUL, which PostgreSQL text cannot hold).
    /// </summary>
    private static string Clean(string text) =>
        text.Replace("\0", "", StringComparison.Ordinal).Replace("\u0001", "", StringComparison.Ordinal)
            .Replace(SearchText.Open.ToString(), "", StringComparison.Ordinal).Replace(SearchText.Close.ToString(), "", StringComparison.Ordinal);

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(CommunityDb db, string query, IReadOnlyCollection<int> categoryIds, bool everyCategory,
        int skip, int limit, CancellationToken ct)
    {
        var terms = SearchText.Terms(query);
        if (terms.Count == 0 || categoryIds.Count == 0) return [];
        var categories = everyCategory ? null : categoryIds.ToArray();
        List<(long PostId, long ThreadId, string Snippet)> rows;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            // Every term as a whole (stemmed) word first: a prefix makes GIN merge the lists of every word it starts, and the
            // planner cannot estimate how many posts that is (at 100,000 posts a common prefix pair took 300 ms, whole words
            // 1-15 ms). Only when no post holds them all as words (a word typed in part) are they matched as prefixes.
            var whole = new Match(terms, []);
            rows = await ReadAsync(connection, whole, categories, skip, limit, ct);
            if (rows.Count == 0 && (skip == 0 || !await AnyAsync(connection, whole, categories, ct)))
                rows = await ReadAsync(connection, new Match([], terms), categories, skip, limit, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return await ForumSearchResults.BuildAsync(db, rows, terms, ct);
    }

    /// <summary>
    /// Whole words go through <c>websearch_to_tsquery</c>, which never fails on its input; prefixes through <c>to_tsquery</c>,
    /// each quoted (terms are letters, digits and underscores only: <see cref="SearchText.Terms"/>).
    /// </summary>
    private sealed record Match(List<string> Words, List<string> Prefixes)
    {
        public string Sql => "(" + string.Join(" && ", new[]
        {
            Words.Count > 0 ? $"websearch_to_tsquery('{Config}', @words)" : null,
            Prefixes.Count > 0 ? $"to_tsquery('{Config}', @prefixes)" : null,
        }.OfType<string>()) + ")";

        public void AddParameters(DbCommand command)
        {
            if (Words.Count > 0) Add(command, "words", string.Join(' ', Words));
            if (Prefixes.Count > 0) Add(command, "prefixes", string.Join(" & ", Prefixes.Select(p => $"'{p}':*")));
        }
    }

    private static async Task<List<(long PostId, long ThreadId, string Snippet)>> ReadAsync(DbConnection connection, Match match, int[]? categories,
        int skip, int limit, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        // The query is written out wherever it is used (not joined from a CTE) so the planner sees its words and can
        // choose between the GIN index and the primary key from their frequency.
        var q = match.Sql;
        command.CommandText = $"""
            SELECT r."PostId", r."ThreadId",
                   ts_headline('{Config}', translate(left(r."Body", {HeadlineChars}), '<', E'\x01'), {q}, @options)
            FROM (SELECT c."PostId", c."ThreadId", c."Body", ts_rank('{"{"}0.1, 0.1, 0.1, 0.3{"}"}', c."Document", {q}, 1) AS rank
                  FROM (SELECT s."PostId", s."ThreadId", s."Body", s."Document" FROM "ForumSearch" s
                        WHERE s."Document" @@ {q} {Filter(categories)}
                        ORDER BY s."PostId" DESC LIMIT {ForumSearchLimits.Candidates}) c
                  ORDER BY rank DESC, c."PostId" DESC OFFSET @skip LIMIT @limit) r
            ORDER BY r.rank DESC, r."PostId" DESC
            """;
        match.AddParameters(command);
        Add(command, "options", HeadlineOptions);
        Add(command, "skip", skip);
        Add(command, "limit", limit);
        if (categories is not null) Add(command, "categories", categories);
        var rows = new List<(long, long, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        // ts_headline kept the blanks that stood for '<' (see the migration): they are '<' again, escaped later like all text.
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2).Replace('\u0001', '<')));
        return rows;
    }

    private static async Task<bool> AnyAsync(DbConnection connection, Match match, int[]? categories, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""SELECT EXISTS (SELECT 1 FROM "ForumSearch" s WHERE s."Document" @@ {match.Sql} {Filter(categories)})""";
        match.AddParameters(command);
        if (categories is not null) Add(command, "categories", categories);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    public async Task<IReadOnlyList<TitleMatch>> SimilarTitlesAsync(CommunityDb db, IReadOnlyList<string> terms,
        IReadOnlyCollection<int> categoryIds, bool everyCategory, int limit, CancellationToken ct)
    {
        if (terms.Count == 0 || categoryIds.Count == 0) return [];
        var categories = everyCategory ? null : categoryIds.ToArray();
        // The title index (migration ThreadTitleSearch) holds one vector per thread; the last term may be half typed. As on SQLite:
        // titles sharing two of the words (any one when there are fewer than three), newest 400, ranked by the caller.
        var query = SimilarTitles.Match(terms, t => $"'{t}'", t => $"'{t}':*", " & ", " | ");
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"""
                SELECT t."Id", t."Title", t."Slug", t."CategoryId", t."AcceptedSeq" IS NOT NULL
                FROM (SELECT f."ThreadId" FROM "ForumTitleSearch" f WHERE f."Document" @@ to_tsquery('{Config}', @query)
                  ORDER BY f."ThreadId" DESC LIMIT 400) m JOIN "ForumThreads" t ON t."Id" = m."ThreadId"
                WHERE NOT t."IsDeleted" {(categories is null ? "" : """AND t."CategoryId" = ANY(@categories)""")}
                ORDER BY t."Id" DESC LIMIT @limit
                """;
            Add(command, "query", query);
            Add(command, "limit", limit);
            if (categories is not null) Add(command, "categories", categories);
            var rows = new List<TitleMatch>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add(new TitleMatch(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetBoolean(4)));
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string Filter(int[]? categories) => categories is null ? "" : """AND s."CategoryId" = ANY(@categories)""";

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
