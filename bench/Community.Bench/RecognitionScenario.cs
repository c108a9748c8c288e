using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Community.Bench;

/// <summary>
/// Issue #16, recognition (badges and trust levels). Two rows:
/// <list type="bullet">
/// <item>The reply burst's p99 with the recognition and lifecycle listeners on and off: two servers alike but for
/// <c>Trust:Listen</c> and <c>Lifecycle:Listen</c>, each with its own database and busy threads; bursts alternate between them
/// for three rounds so drift on a shared machine hits both.</item>
/// <item>Recomputing every trust level for 100,000 members with 1,000,000 posts, ~1,000,000 visit days, read marks and flags, seeded
/// straight into a fresh server's SQLite file and run through <c>POST /api/admin/trust/recompute</c> (what the daily pass runs). The
/// reference: the bench process reading the same posts and visits grouped by member from the same file.</item>
/// </list>
/// </summary>
internal static class RecognitionScenario
{
    private const int Rounds = 3, Members = 100_000, Posts = 1_000_000;

    public static async Task RunAsync(string repo, int port, int otherPort, Report report, int seconds)
    {
        await ReplyRowAsync(repo, port, otherPort, report, seconds);
        await RecomputeRowAsync(repo, port, report);
    }

    private static async Task ReplyRowAsync(string repo, int port, int otherPort, Report report, int seconds)
    {
        await using var on = await Server.StartAsync(repo, port);
        await using var off = await Server.StartAsync(repo, otherPort, null, "--Trust:Listen=false", "--Lifecycle:Listen=false");
        var sides = new List<(Server Server, BenchClient Admin, List<long> Threads)>();
        foreach (var server in new[] { on, off })
        {
            var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
            var category = await admin.PostJsonAsync("/api/categories",
                new { name = "Recognition bench", slug = "recognition-bench", description = "Replies", position = 97, isQa = false });
            var threads = await ForumsScenario.BusyThreadsAsync(admin, category.GetProperty("id").GetInt32());
            await ForumsScenario.ReplyBurstAsync(server, admin, threads, Math.Max(2, seconds / 3)); // warm-up, not counted
            sides.Add((server, admin, threads));
        }
        var with = new List<double>();
        var without = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            without.Add((await ForumsScenario.ReplyBurstAsync(sides[1].Server, sides[1].Admin, sides[1].Threads, seconds)).P99);
            with.Add((await ForumsScenario.ReplyBurstAsync(sides[0].Server, sides[0].Admin, sides[0].Threads, seconds)).P99);
        }
        foreach (var side in sides) side.Admin.Dispose();
        var (p99Off, p99On) = (Median(without), Median(with));
        var added = (p99On / p99Off - 1) * 100;
        report.Add("Recognition", "reply burst p99 with the badge/trust and stage listeners on vs off (median of 3 alternating rounds)", "≤ +5%",
            $"{Report.F(p99On, "0.0")} ms vs {Report.F(p99Off, "0.0")} ms ({(added >= 0 ? "+" : "")}{Report.F(added, "0.0")}%; "
            + $"rounds off {string.Join("/", without.Select(x => Report.F(x, "0.0")))}, on {string.Join("/", with.Select(x => Report.F(x, "0.0")))})",
            added <= 5, report.VsMillis(p99On));
    }

    private static async Task RecomputeRowAsync(string repo, int port, Report report)
    {
        await using var server = await Server.StartAsync(repo, port, null, "--Trust:DailyPass=false", "--Trust:Listen=false");
        await using var db = new SqliteConnection($"Data Source={Path.Combine(server.Folder, "bench.db")};Default Timeout=600");
        await db.OpenAsync();
        var seeding = Stopwatch.StartNew();
        await SeedAsync(db);
        seeding.Stop();

        var reference = Stopwatch.StartNew();
        var rows = 0L;
        foreach (var sql in new[]
        {
            """SELECT "AuthorId", COUNT(*) FROM "ForumPosts" WHERE "Seq" > 1 AND NOT "IsDeleted" GROUP BY "AuthorId" """,
            """SELECT "MemberId", COUNT(*) FROM "MemberVisitDays" GROUP BY "MemberId" """,
        })
        {
            await using var read = db.CreateCommand();
            read.CommandText = sql;
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync()) { _ = reader.GetString(0); _ = reader.GetInt64(1); rows++; }
        }
        reference.Stop();

        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword, timeout: TimeSpan.FromMinutes(5));
        var first = await TimeAsync(admin);
        var again = await TimeAsync(admin);
        var levels = await CountAsync(db, """SELECT COUNT(*) FROM "MemberStandings" WHERE "MemberId" LIKE 'trust-member-%' AND "TrustLevel" > 0""");
        Console.WriteLine($"    recognition: seeded {Members:N0} members, {Posts:N0} posts in {seeding.Elapsed.TotalSeconds:0.0} s; "
            + $"reference read {rows:N0} grouped rows in {reference.Elapsed.TotalMilliseconds:0} ms; recompute {first.Seconds:0.0} s "
            + $"({first.Changed:N0} changed), again {again.Seconds:0.0} s ({again.Changed:N0} changed); {levels:N0} members above level 0");
        report.Add("Recognition", $"trust level recomputation, {Members:N0} members, {Posts:N0} posts (SQLite, every level changes)", "≤ 60 s",
            $"{Report.F(first.Seconds)} s ({first.Changed:N0} levels changed); unchanged rerun {Report.F(again.Seconds)} s",
            first.Seconds <= 60 && first.Changed >= Members / 2,
            $"{Report.F(first.Seconds * 1000 / Math.Max(1, reference.Elapsed.TotalMilliseconds), "0.0")}× reading the same posts and visits "
            + $"grouped by member ({Report.F(reference.Elapsed.TotalMilliseconds, "0")} ms)");
    }

    private static async Task<(double Seconds, int Changed)> TimeAsync(BenchClient admin)
    {
        var watch = Stopwatch.StartNew();
        var result = await admin.PostJsonAsync("/api/admin/trust/recompute", new { });
        return (watch.Elapsed.TotalSeconds, result.GetProperty("levelsChanged").GetInt32());
    }

    /// <summary>Members trust-member-00000…99999; 1,000,000 replies spread over them, appended to one demo thread; member i visited on i % 20 days,
    /// read i % 500 posts, and every 50th has a flag against one post. Levels spread over 0–3 with the default thresholds.</summary>
    private static async Task SeedAsync(SqliteConnection db)
    {
        var required = await DigestsScenario.RequiredUserColumnsAsync(db);
        var names = new[] { "Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "DisplayName", "SecurityStamp",
            "ConcurrencyStamp" };
        var extra = required.Where(c => !names.Contains(c.Name, StringComparer.Ordinal)).ToList();
        long threadId, lastSeq;
        await using (var first = db.CreateCommand())
        {
            first.CommandText = """SELECT "Id", "LastSeq" FROM "ForumThreads" ORDER BY "Id" LIMIT 1""";
            await using var row = await first.ExecuteReaderAsync();
            await row.ReadAsync();
            (threadId, lastSeq) = (row.GetInt64(0), row.GetInt64(1));
        }
        var postColumns = await ForumsScenario.PostColumnsAsync(db, "'Id', 'Seq', 'Body', 'Html', 'AuthorId'");
        var today = DateTime.UtcNow.Date;
        await using var seed = db.CreateCommand();
        seed.CommandTimeout = 0;
        seed.CommandText = $"""
            PRAGMA synchronous = OFF;
            BEGIN;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {Members - 1})
            INSERT INTO "AspNetUsers" ({string.Join(", ", names.Concat(extra.Select(c => c.Name)).Select(c => $"\"{c}\""))})
              SELECT 'trust-member-' || printf('%05d', i), 'trust' || i, 'TRUST' || i, 'trust-' || i || '@bench.local',
                     'TRUST-' || i || '@BENCH.LOCAL', 1, 'Trust Member ' || i, 'x', 'x'{string.Concat(extra.Select(c => ", " + c.Default))} FROM n;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {Posts - 1})
            INSERT INTO "ForumPosts" ("Seq", "Body", "Html", "AuthorId", {string.Join(", ", postColumns.Select(c => $"\"{c}\""))})
              SELECT n.i + {lastSeq + 1}, 'Bench reply', '<p>Bench reply</p>', 'trust-member-' || printf('%05d', (n.i * 7919) % {Members}),
                     {string.Join(", ", postColumns.Select(c => $"p.\"{c}\""))}
              FROM n, (SELECT * FROM "ForumPosts" WHERE "ThreadId" = {threadId} AND "Seq" = 1) AS p;
            UPDATE "ForumThreads" SET "LastSeq" = {lastSeq + Posts} WHERE "Id" = {threadId};
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {Members - 1}),
                 d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 19)
            INSERT INTO "MemberVisitDays" ("MemberId", "Day")
              SELECT 'trust-member-' || printf('%05d', n.i), strftime('%Y-%m-%d 00:00:00', '{today:yyyy-MM-dd}', '-' || d.k || ' days')
              FROM n, d WHERE d.k < n.i % 20;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {Members - 1})
            INSERT INTO "ForumThreadReads" ("MemberId", "ThreadId", "LastReadSeq")
              SELECT 'trust-member-' || printf('%05d', i), {threadId}, i % 500 FROM n;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 50 FROM n WHERE i < {Members - 50})
            INSERT INTO "ForumFlags" ("PostId", "MemberId", "Reason", "CreatedAt")
              SELECT (SELECT "Id" FROM "ForumPosts" WHERE "AuthorId" = 'trust-member-' || printf('%05d', n.i) LIMIT 1),
                     'bench-flagger', 'spam', '{today:yyyy-MM-dd} 00:00:00' FROM n;
            COMMIT;
            """;
        await seed.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
