using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Community.Bench;

/// <summary>
/// Issue #15: the knowledge base at scale. 10,000 Q&amp;A threads of ten posts (100,000 posts; a third solved) and 2,000 published
/// articles are bulk-inserted straight into the bench database and both full-text indexes (the write paths are measured
/// elsewhere); titles draw four of forty common words plus one of their own. Each title or query is asked once, so the forum
/// search cache never answers: similar-question suggestions as the new-thread composer asks them, and the unified search box.
/// </summary>
internal static class KbScenario
{
    private const int Threads = 10_000, PostsPerThread = 10, Articles = 2_000;

    public static async Task RunAsync(Server server, Report report)
    {
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
        var category = await admin.PostJsonAsync("/api/categories",
            new { name = "KB bench questions", slug = "kb-bench", description = "Bench Q&A", position = 98, isQa = true });
        var template = await admin.PostJsonAsync("/api/threads",
            new { categoryId = category.GetProperty("id").GetInt32(), title = "Template question of the bench", body = "Template body." });
        var section = await admin.PostJsonAsync("/api/kb/sections", new { title = "Bench articles", slug = "bench-articles" });
        var article = await admin.PostJsonAsync("/api/kb/articles",
            new { sectionId = section.GetProperty("id").GetInt32(), title = "Bench template article", body = "Template." });
        var seeding = Stopwatch.StartNew();
        await SeedAsync(server, template.GetProperty("thread").GetProperty("id").GetInt64(), article.GetProperty("id").GetInt32());
        // Publishing the template drops every server's knowledge-base snapshot, so the seeded articles are seen.
        (await admin.PostAsync($"/api/kb/articles/{article.GetProperty("id").GetInt32()}/publish", new { })).EnsureSuccessStatusCode();
        var seeded = seeding.Elapsed;

        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var random = new Random(15);
        string W() => SearchScenario.Common[random.Next(40)];
        var titles = Enumerable.Range(0, 220).Select(_ => $"How do I {W()} the {W()} {W()} {W()}").Distinct().Take(200).ToList();
        var queries = SearchScenario.Common.Concat(Enumerable.Range(0, 200).Select(_ => $"{W()} {W()}")).Distinct().Take(150).ToList();
        for (var i = 0; i < 5; i++)
        {
            (await http.GetAsync($"/api/kb/similar?title=warm+up+title+{i}")).EnsureSuccessStatusCode();
            (await http.GetAsync($"/api/find?q=warmup{i}")).EnsureSuccessStatusCode();
        }
        var (similar, suggested) = await TimeAsync(http, titles.Select(t => "/api/kb/similar?title=" + Uri.EscapeDataString(t)),
            body => body.Length > 2);
        var (find, found) = await TimeAsync(http, queries.Select(q => "/api/find?q=" + Uri.EscapeDataString(q)),
            body => JsonDocument.Parse(body).RootElement.GetProperty("hits").GetArrayLength() > 0);
        var size = $"{Threads:N0} threads / {Threads * PostsPerThread:N0} posts, {Articles:N0} articles, seeded in {seeded.TotalSeconds:0} s";
        var similarP99 = Percentiles.Of(similar, 99);
        var findP99 = Percentiles.Of(find, 99);
        report.Add("Knowledge base", $"similar-question suggestions ({titles.Count} distinct titles of 4 common words, one at a time), {size}",
            "p99 ≤ 30 ms",
            $"p50 {Report.F(Percentiles.Of(similar, 50))} ms, p99 {Report.F(similarP99)} ms; {suggested}/{titles.Count} got suggestions",
            similarP99 <= 30, report.VsMillis(similarP99));
        report.Add("Knowledge base", $"unified search: threads + articles + stories ({queries.Count} distinct queries, one at a time), {size}",
            "p99 ≤ 50 ms", $"p50 {Report.F(Percentiles.Of(find, 50))} ms, p99 {Report.F(findP99)} ms; {found}/{queries.Count} found something",
            findP99 <= 50, report.VsMillis(findP99));
    }

    private static async Task<(List<double> Sorted, int Hits)> TimeAsync(HttpClient http, IEnumerable<string> urls, Func<string, bool> hit)
    {
        var times = new List<double>();
        var hits = 0;
        foreach (var url in urls)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
            response.EnsureSuccessStatusCode();
            if (hit(body)) hits++;
        }
        times.Sort();
        return (times, hits);
    }

    private static async Task SeedAsync(Server server, long templateThread, int templateArticle)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(server.Folder, "bench.db")};Default Timeout=600");
        await db.OpenAsync();
        var threadColumns = await ColumnsAsync(db, "ForumThreads", "'Id', 'Title', 'Slug', 'LastSeq', 'AcceptedSeq', 'Summary'");
        var postColumns = await ForumsScenario.PostColumnsAsync(db, "'Id', 'ThreadId', 'Seq', 'Body', 'Html'");
        string Words(string n, int salt, int count) => string.Join(" || ' ' || ",
            SearchScenario.Strides.Take(count).Select((k, i) => $"trim(substr($w, (({n} * {k} + {salt + i}) % 40) * 12 + 1, 12))"));
        await using var insert = db.CreateCommand();
        insert.CommandTimeout = 0;
        insert.CommandText = $"""
            PRAGMA synchronous = OFF;
            BEGIN;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $threads)
            INSERT INTO ForumThreads (Title, Slug, LastSeq, AcceptedSeq, Summary, {string.Join(", ", threadColumns)})
              SELECT {Words("n.i", 0, 4)} || ' zt' || n.i, 'kb-bench-' || n.i, $per, CASE WHEN n.i % 3 = 0 THEN 2 END, '',
                     {string.Join(", ", threadColumns.Select(c => "t." + c))}
              FROM n, (SELECT * FROM ForumThreads WHERE Id = $thread) AS t;
            WITH RECURSIVE s(seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM s WHERE seq < $per)
            INSERT INTO ForumPosts (ThreadId, Seq, Body, Html, {string.Join(", ", postColumns)})
              SELECT x.Id, x.seq, x.text, '<p>' || x.text || '</p>', {string.Join(", ", postColumns.Select(c => "x." + c))}
              FROM (SELECT t.Id AS Id, s.seq AS seq, {Words("(t.Id + s.seq)", 3, 10)} AS text, {string.Join(", ", postColumns.Select(c => "p." + c))}
                    FROM ForumThreads t, s, (SELECT * FROM ForumPosts WHERE ThreadId = $thread AND Seq = 1) AS p
                    WHERE t.Slug LIKE 'kb-bench-%') AS x;
            INSERT INTO ForumSearch (title, body, post_id, thread_id, category_id)
              SELECT CASE WHEN p.Seq = 1 THEN t.Title ELSE '' END, p.Body, p.Id, p.ThreadId, t.CategoryId
              FROM ForumPosts p JOIN ForumThreads t ON t.Id = p.ThreadId WHERE t.Slug LIKE 'kb-bench-%';
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $articles)
            INSERT INTO KbArticles (SectionId, Slug, Title, Summary, Body, Html, Status, CreatedAt, UpdatedAt, PublishedAt)
              SELECT a.SectionId, 'bench-article-' || n.i, 'Guide: ' || {Words("n.i", 7, 3)} || ' ' || n.i, 'How to ' || {Words("n.i", 1, 2)},
                     {Words("n.i", 5, 10)}, '<p>' || {Words("n.i", 5, 10)} || '</p>', 'published', a.CreatedAt, a.UpdatedAt, a.CreatedAt
              FROM n, (SELECT * FROM KbArticles WHERE Id = $article) AS a;
            INSERT INTO KbSearch (title, body, article_id)
              SELECT Title, Summary || ' ' || Body, Id FROM KbArticles WHERE Slug LIKE 'bench-article-%';
            COMMIT;
            INSERT INTO ForumSearch (ForumSearch) VALUES ('optimize');
            INSERT INTO KbSearch (KbSearch) VALUES ('optimize');
            """;
        insert.Parameters.AddWithValue("$thread", templateThread);
        insert.Parameters.AddWithValue("$article", templateArticle);
        insert.Parameters.AddWithValue("$threads", Threads);
        insert.Parameters.AddWithValue("$per", PostsPerThread);
        insert.Parameters.AddWithValue("$articles", Articles);
        insert.Parameters.AddWithValue("$w", string.Concat(SearchScenario.Common.Select(w => w.PadRight(12))));
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ColumnsAsync(SqliteConnection db, string table, string except)
    {
        var columns = new List<string>();
        await using var info = db.CreateCommand();
        info.CommandText = $"SELECT name FROM pragma_table_info('{table}') WHERE name NOT IN ({except})";
        await using var reader = await info.ExecuteReaderAsync();
        while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
        return columns;
    }
}
