using System.Data.Common;
using System.Globalization;
using Community.Web.Data;
using Community.Web.Data.Migrations;
using Community.Web.Features.Forums;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge.Search;

/// <summary>A published article that matched, best first; the snippet is HTML (escaped text with &lt;mark&gt;).</summary>
public sealed record ArticleMatch(int ArticleId, string Snippet);

/// <summary>
/// Full-text search over published articles, the forum search's sibling: SQLite FTS5 or a PostgreSQL tsvector. Index calls run
/// inside the writer's transaction, so only published articles are ever found. <c>similar</c> matches articles holding two of
/// the words, any one when there are fewer than three (similar questions); otherwise all must appear (the search box).
/// </summary>
public interface IArticleSearch
{
    Task IndexAsync(CommunityDb db, KbArticle article, CancellationToken ct);
    Task RemoveAsync(CommunityDb db, int articleId, CancellationToken ct);
    Task<IReadOnlyList<ArticleMatch>> SearchAsync(CommunityDb db, IReadOnlyList<string> terms, bool similar, int limit, CancellationToken ct);
}

internal static class ArticleText
{
    public static string Of(KbArticle a) =>
        Clean(a.Summary + " " + Infrastructure.Markdown.MarkdownRenderer.PlainText(a.Html, 70_000));

    /// <summary>Highlight markers may only come from the search itself; PostgreSQL text cannot hold NUL.</summary>
    public static string Clean(string text) =>
        text.Replace("\0", "", StringComparison.Ordinal).Replace("\u0001", "", StringComparison.Ordinal)
            .Replace(SearchText.Open.ToString(), "", StringComparison.Ordinal).Replace(SearchText.Close.ToString(), "", StringComparison.Ordinal);

    public static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}

/// <summary>SQLite: the KbSearch FTS5 table; a few thousand articles are ranked by FTS5's bm25 (titles 3×).</summary>
internal sealed class SqliteArticleSearch : IArticleSearch
{
    public async Task IndexAsync(CommunityDb db, KbArticle article, CancellationToken ct)
    {
        await RemoveAsync(db, article.Id, ct);
        var title = ArticleText.Clean(article.Title);
        var body = ArticleText.Of(article);
        await db.Database.ExecuteSqlAsync($"INSERT INTO KbSearch (title, body, article_id) VALUES ({title}, {body}, {article.Id})", ct);
    }

    public Task RemoveAsync(CommunityDb db, int articleId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"DELETE FROM KbSearch WHERE article_id = {articleId}", ct);

    public async Task<IReadOnlyList<ArticleMatch>> SearchAsync(CommunityDb db, IReadOnlyList<string> terms, bool similar, int limit,
        CancellationToken ct)
    {
        if (terms.Count == 0) return [];
        // Terms are letters, digits and underscores (SearchText.Terms), so quoting them is enough.
        var match = similar ? SimilarTitles.Match(terms, t => "\"" + t + "\"*", t => "\"" + t + "\"*", " AND ", " OR ")
            : string.Join(" AND ", terms.Select(t => "\"" + t + "\"*"));
        var marker = SearchText.Marker(terms);
        var rows = new List<ArticleMatch>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"""
                SELECT article_id, body FROM KbSearch WHERE KbSearch MATCH $q ORDER BY bm25(KbSearch, 3.0, 1.0)
                LIMIT {limit.ToString(CultureInfo.InvariantCulture)}
                """;
            ArticleText.Add(command, "$q", match);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add(new ArticleMatch((int)reader.GetInt64(0), SearchText.Mark(SearchText.Excerpt(reader.GetString(1), terms), marker)));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return rows;
    }
}

/// <summary>PostgreSQL: the KbSearch table's weighted tsvector; whole words first, prefixes when no article holds them whole.</summary>
internal sealed class PostgresArticleSearch : IArticleSearch
{
    private const string Config = PostgresSearch.Config;
    private static readonly string HeadlineOptions =
        $"StartSel={SearchText.Open}, StopSel={SearchText.Close}, MaxWords=30, MinWords=12, MaxFragments=1";

    public Task IndexAsync(CommunityDb db, KbArticle article, CancellationToken ct)
    {
        var title = ArticleText.Clean(article.Title);
        var body = ArticleText.Of(article);
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO "KbSearch" ("ArticleId", "Title", "Body") VALUES ({article.Id}, {title}, {body})
            ON CONFLICT ("ArticleId") DO UPDATE SET "Title" = excluded."Title", "Body" = excluded."Body"
            """, ct);
    }

    public Task RemoveAsync(CommunityDb db, int articleId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""DELETE FROM "KbSearch" WHERE "ArticleId" = {articleId}""", ct);

    public async Task<IReadOnlyList<ArticleMatch>> SearchAsync(CommunityDb db, IReadOnlyList<string> terms, bool similar, int limit,
        CancellationToken ct)
    {
        if (terms.Count == 0) return [];
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            string Query(Func<string, string> term) => similar ? SimilarTitles.Match(terms, term, term, " & ", " | ")
                : string.Join(" & ", terms.Select(term));
            var rows = await ReadAsync(connection, Query(t => $"'{t}'"), limit, ct);
            return rows.Count > 0 ? rows : await ReadAsync(connection, Query(t => $"'{t}':*"), limit, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<List<ArticleMatch>> ReadAsync(DbConnection connection, string query, int limit, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT r."ArticleId", ts_headline('{Config}', translate(left(r."Body", 20000), '<', E'\x01'), r.q, @options)
            FROM (SELECT s."ArticleId", s."Body", q, ts_rank('{"{"}0.1, 0.1, 0.1, 0.3{"}"}', s."Document", q, 1) AS rank
                  FROM "KbSearch" s, to_tsquery('{Config}', @query) q WHERE s."Document" @@ q
                  ORDER BY rank DESC, s."ArticleId" DESC LIMIT @limit) r
            ORDER BY r.rank DESC, r."ArticleId" DESC
            """;
        ArticleText.Add(command, "query", query);
        ArticleText.Add(command, "options", HeadlineOptions);
        ArticleText.Add(command, "limit", limit);
        var rows = new List<ArticleMatch>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new ArticleMatch(reader.GetInt32(0), SearchText.ToHtml(reader.GetString(1).Replace('\u0001', '<'))));
        return rows;
    }
}
