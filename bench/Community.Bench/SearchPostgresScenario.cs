using System.Diagnostics;
using Npgsql;

namespace Community.Bench;

/// <summary>
/// Issue #13: search on PostgreSQL (tsvector + GIN) at forum scale, on its own server and a database created for the run.
/// The same corpus as <see cref="SearchScenario"/> (ten of forty common words and one word of its own per post), bulk-loaded
/// with one INSERT ... SELECT over generate_series into ForumPosts and the search table, then ANALYZEd as autovacuum would.
/// Each query is asked once, so none is answered from the search cache.
/// </summary>
internal static class SearchPostgresScenario
{
    public static async Task RunAsync(string repo, int port, Report report, int posts, string? admin)
    {
        if (string.IsNullOrEmpty(admin))
        {
            Console.WriteLine("  Search on PostgreSQL skipped: set COMMUNITY_TEST_POSTGRES (or --postgres) to a role that may create databases.");
            return;
        }
        var name = "community_bench_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        var connection = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        try
        {
            await using (var server = await Server.StartAsync(repo, port, null, "--Database:Provider=Postgres", $"--Database:ConnectionString={connection}"))
                await MeasureAsync(server, connection, report, posts);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static async Task MeasureAsync(Server server, string connection, Report report, int posts)
    {
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
        var created = await admin.PostJsonAsync("/api/threads", new { categoryId = 2, title = "Search corpus", body = "The first post of the corpus." });
        var threadId = created.GetProperty("thread").GetProperty("id").GetInt64();
        var seeding = Stopwatch.StartNew();
        await SeedAsync(connection, threadId, posts);
        var seeded = seeding.Elapsed;

        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var random = new Random(8);
        var common = SearchScenario.Common.Concat(Enumerable.Range(0, 160)
                .Select(_ => $"{SearchScenario.Common[random.Next(40)]} {SearchScenario.Common[random.Next(40)]}"))
            .Distinct().Take(150).ToList();
        var rare = Enumerable.Range(0, 150).Select(_ => $"zq{random.Next(2, posts + 2)}").Distinct().ToList();
        var (commonTimes, commonHits, commonSlowest) = await SearchScenario.TimeAsync(http, common);
        var (rareTimes, rareHits, rareSlowest) = await SearchScenario.TimeAsync(http, rare);
        Console.WriteLine($"    PostgreSQL slowest: {string.Join(", ", commonSlowest.Concat(rareSlowest).Select(s => $"'{s.Query}' {Report.F(s.Ms)} ms"))}");
        var commonP99 = Percentiles.Of(commonTimes, 99);
        var rareP99 = Percentiles.Of(rareTimes, 99);
        var size = $"{posts:N0} posts, bulk-loaded and analysed in {seeded.TotalSeconds:0} s";
        report.Add("Search (PostgreSQL)", $"common words (each in ~25% of posts; {common.Count} distinct queries, one at a time), {size}",
            "p99 ≤ 50 ms", $"p50 {Report.F(Percentiles.Of(commonTimes, 50))} ms, p99 {Report.F(commonP99)} ms; {commonHits} hits returned",
            commonP99 <= 50, report.VsMillis(commonP99));
        report.Add("Search (PostgreSQL)", $"rare words (one post each; {rare.Count} distinct queries), {posts:N0} posts",
            "p99 ≤ 50 ms, every one found", $"p50 {Report.F(Percentiles.Of(rareTimes, 50))} ms, p99 {Report.F(rareP99)} ms; found {rareHits}/{rare.Count}",
            rareP99 <= 50 && rareHits == rare.Count, report.VsMillis(rareP99));
    }

    private static async Task SeedAsync(string connection, long threadId, int posts)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        var columns = new List<string>();
        await using (var info = new NpgsqlCommand("""
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = 'ForumPosts' AND column_name NOT IN ('Id', 'Seq', 'Body', 'Html')
            """, db))
        await using (var reader = await info.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) columns.Add($"\"{reader.GetString(0)}\"");
        }
        var list = string.Join(", ", columns);
        var prefixed = string.Join(", ", columns.Select(c => "p." + c));
        // Ten words picked by different strides from the forty, then the post's own word (as the SQLite corpus).
        var words = string.Join(" || ' ' || ", SearchScenario.Strides.Select((k, i) => $"(@w)[((n * {k} + {i}) % 40) + 1]"));
        await using var insert = new NpgsqlCommand($"""
            SET synchronous_commit = off;
            INSERT INTO "ForumPosts" ("Seq", "Body", "Html", {list})
              SELECT x.n, x.text, '<p>' || x.text || '</p>', {prefixed}
              FROM (SELECT n, {words} || ' zq' || n AS text FROM generate_series(2, @last) AS n) AS x,
                   (SELECT * FROM "ForumPosts" WHERE "ThreadId" = @id AND "Seq" = 1) AS p;
            INSERT INTO "ForumSearch" ("PostId", "ThreadId", "CategoryId", "Title", "Body")
              SELECT "Id", "ThreadId", 2, '', "Body" FROM "ForumPosts" WHERE "ThreadId" = @id AND "Seq" > 1;
            UPDATE "ForumThreads" SET "LastSeq" = @last WHERE "Id" = @id;
            ANALYZE "ForumPosts";
            ANALYZE "ForumSearch";
            """, db) { CommandTimeout = 0 };
        insert.Parameters.AddWithValue("id", threadId);
        insert.Parameters.AddWithValue("last", posts + 1);
        insert.Parameters.AddWithValue("w", SearchScenario.Common);
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }
}
