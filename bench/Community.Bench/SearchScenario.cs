using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Community.Bench;

/// <summary>
/// Issue #8: search at forum scale. Posts are bulk-inserted straight into the bench database and its full-text index
/// (the API path is measured elsewhere); every post holds ten of forty common words and one word of its own. Each query is
/// asked once, so none is answered from the search cache.
/// </summary>
internal static class SearchScenario
{
    internal static readonly string[] Common =
    [
        "the", "our", "team", "sync", "job", "update", "release", "api", "webhook", "error", "data", "customer", "account", "billing",
        "export", "import", "user", "admin", "report", "dashboard", "settings", "login", "deploy", "server", "cache", "queue", "retry",
        "timeout", "invoice", "plan", "support", "ticket", "feature", "request", "bug", "fix", "mobile", "email", "slack", "token",
    ];

    internal static readonly int[] Strides = [7, 13, 17, 19, 23, 29, 31, 37, 41, 43];

    public static async Task RunAsync(Server server, Report report, int posts)
    {
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
        var created = await admin.PostJsonAsync("/api/threads", new { categoryId = 2, title = "Search corpus", body = "The first post of the corpus." });
        var threadId = created.GetProperty("thread").GetProperty("id").GetInt64();
        var seeding = Stopwatch.StartNew();
        await SeedAsync(server, threadId, posts);
        var seeded = seeding.Elapsed;

        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var random = new Random(8);
        var common = Common.Select(w => w).Concat(Enumerable.Range(0, 160).Select(_ => $"{Common[random.Next(40)]} {Common[random.Next(40)]}"))
            .Distinct().Take(150).ToList();
        var rare = Enumerable.Range(0, 150).Select(_ => $"zq{random.Next(2, posts + 2)}").Distinct().ToList();
        var (commonTimes, commonHits, commonSlowest) = await TimeAsync(http, common);
        var (rareTimes, rareHits, _) = await TimeAsync(http, rare);
        await PrintSlowestAsync(server, commonSlowest);
        var commonP99 = Percentiles.Of(commonTimes, 99);
        var rareP99 = Percentiles.Of(rareTimes, 99);
        var size = $"{posts:N0} posts, seeded and index optimised in {seeded.TotalSeconds:0} s";
        report.Add("Search", $"common words (each in ~25% of posts; {common.Count} distinct queries, one at a time), {size}", "p99 ≤ 50 ms",
            $"p50 {Report.F(Percentiles.Of(commonTimes, 50))} ms, p99 {Report.F(commonP99)} ms; {commonHits} hits returned", commonP99 <= 50, report.VsMillis(commonP99));
        report.Add("Search", $"rare words (one post each; {rare.Count} distinct queries), {posts:N0} posts", "p99 ≤ 50 ms, every one found",
            $"p50 {Report.F(Percentiles.Of(rareTimes, 50))} ms, p99 {Report.F(rareP99)} ms; found {rareHits}/{rare.Count}",
            rareP99 <= 50 && rareHits == rare.Count, report.VsMillis(rareP99));
    }

    /// <summary>
    /// Prints the slowest queries, so a tail can be traced to the words that cause it, with what their FTS5 statements cost
    /// on the same file from this process: every word as a prefix (the previous build's statement) against long words as
    /// whole words (the site's first statement now), interleaved three times.
    /// </summary>
    private static async Task PrintSlowestAsync(Server server, List<(double Ms, string Query)> slowest)
    {
        Console.WriteLine($"    slowest: {string.Join(", ", slowest.Select(s => $"'{s.Query}' {Report.F(s.Ms)} ms"))}");
        await using var db = new SqliteConnection($"Data Source={Path.Combine(server.Folder, "bench.db")};Mode=ReadOnly");
        await db.OpenAsync();
        foreach (var (_, query) in slowest)
        {
            var words = query.Split(' ');
            var prefix = string.Join(" AND ", words.Select(t => $"\"{t}\"*"));
            var whole = string.Join(" AND ", words.Select(t => t.Length > 4 ? $"\"{t}\"" : $"\"{t}\"*"));
            var times = new List<string>();
            for (var i = 0; i < 3; i++) times.Add($"{Report.F(await TimeStatementAsync(db, prefix))} / {Report.F(await TimeStatementAsync(db, whole))}");
            Console.WriteLine($"      '{query}': FTS5 statement, all prefixes / long words whole: {string.Join(", ", times)} ms");
        }
    }

    private static async Task<double> TimeStatementAsync(SqliteConnection db, string match)
    {
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT post_id, thread_id, title, body FROM ForumSearch WHERE ForumSearch MATCH $q ORDER BY rowid DESC LIMIT 400";
        command.Parameters.AddWithValue("$q", match);
        var watch = Stopwatch.StartNew();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) { }
        return watch.Elapsed.TotalMilliseconds;
    }

    internal static async Task<(List<double> Times, int Hits, List<(double Ms, string Query)> Slowest)> TimeAsync(HttpClient http, List<string> queries)
    {
        for (var i = 0; i < 5; i++) (await http.GetAsync($"/api/search?q=warmup{i}")).EnsureSuccessStatusCode();
        var times = new List<double>();
        var hits = 0;
        var each = new List<(double Ms, string Query)>();
        foreach (var q in queries)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync("/api/search?q=" + Uri.EscapeDataString(q));
            var body = await response.Content.ReadAsStringAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
            each.Add((times[^1], q));
            response.EnsureSuccessStatusCode();
            hits += body.Length > 2 ? (q.StartsWith("zq", StringComparison.Ordinal) ? 1 : body.Split("\"threadId\"").Length - 1) : 0;
        }
        times.Sort();
        return (times, hits, [.. each.OrderByDescending(e => e.Ms).Take(5)]);
    }

    private static async Task SeedAsync(Server server, long threadId, int posts)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(server.Folder, "bench.db")};Default Timeout=600");
        await db.OpenAsync();
        var columns = await ForumsScenario.PostColumnsAsync(db, "'Id', 'Seq', 'Body', 'Html'");
        var list = string.Join(", ", columns);
        string Prefixed(string table) => string.Join(", ", columns.Select(c => $"{table}.{c}"));
        // Ten words picked by different strides from the packed list, then the post's own word.
        var words = string.Join(" || ' ' || ", Strides.Select((k, i) => $"trim(substr($w, ((n.seq * {k} + {i}) % 40) * 12 + 1, 12))"));
        await using var insert = db.CreateCommand();
        insert.CommandTimeout = 0;
        insert.CommandText = $"""
            PRAGMA synchronous = OFF;
            BEGIN;
            WITH RECURSIVE n(seq) AS (SELECT 2 UNION ALL SELECT seq + 1 FROM n WHERE seq < $last)
            INSERT INTO ForumPosts (Seq, Body, Html, {list})
              SELECT x.seq, x.text, '<p>' || x.text || '</p>', {Prefixed("x")}
              FROM (SELECT n.seq AS seq, {words} || ' zq' || n.seq AS text, {Prefixed("p")}
                    FROM n, (SELECT * FROM ForumPosts WHERE ThreadId = $id AND Seq = 1) AS p) AS x;
            INSERT INTO ForumSearch (title, body, post_id, thread_id, category_id)
              SELECT '', Body, Id, ThreadId, 2 FROM ForumPosts WHERE ThreadId = $id AND Seq > 1;
            UPDATE ForumThreads SET LastSeq = $last WHERE Id = $id;
            COMMIT;
            -- One bulk load leaves many index segments; a forum that grew over time has had them merged as it went.
            INSERT INTO ForumSearch (ForumSearch) VALUES ('optimize');
            """;
        insert.Parameters.AddWithValue("$id", threadId);
        insert.Parameters.AddWithValue("$last", posts + 1);
        insert.Parameters.AddWithValue("$w", string.Concat(Common.Select(w => w.PadRight(12))));
        await insert.ExecuteNonQueryAsync();
    }
}
