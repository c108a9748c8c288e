using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;

namespace Community.Bench;

/// <summary>
/// Issue #16: the insights dashboard on a big community. 100,000 members, 100,000 threads of ten posts (1,000,000 posts) and 500,000
/// referral clicks (with 10,000 sign-ups, a fifth converted) spread over the last 400 days are bulk-inserted into the bench database;
/// the roll-ups are rebuilt once through the admin endpoint (timed); then every insights endpoint is asked for the last 12 months,
/// one request at a time.
/// </summary>
internal static class InsightsScenario
{
    private const int Members = 100_000, Threads = 100_000, PostsPerThread = 10, Clicks = 500_000, SignUps = 10_000, Days = 400;
    private const int Rounds = 60;

    public static async Task RunAsync(Server server, Report report)
    {
        // The rebuild of a year of a big community takes minutes in one request.
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword, timeout: TimeSpan.FromMinutes(15));
        var category = await admin.PostJsonAsync("/api/categories",
            new { name = "Insights bench", slug = "insights-bench", description = "Bench", position = 97, isQa = true });
        var categoryId = category.GetProperty("id").GetInt32();
        var template = await admin.PostJsonAsync("/api/threads", new { categoryId, title = "Template thread of the insights bench", body = "Body." });
        var seeding = Stopwatch.StartNew();
        await SeedAsync(server, template.GetProperty("thread").GetProperty("id").GetInt64());
        var seeded = seeding.Elapsed;

        var rebuilding = Stopwatch.StartNew();
        (await admin.PostAsync("/api/admin/insights/rebuild", new { })).EnsureSuccessStatusCode();
        var rebuilt = rebuilding.Elapsed;
        var size = $"{Members:N0} members, {Threads * PostsPerThread:N0} posts, {Clicks:N0} clicks over {Days} days; seeded in "
            + $"{seeded.TotalSeconds:0} s, roll-ups rebuilt in {rebuilt.TotalSeconds:0} s";
        report.Add("Insights", $"rebuild every daily roll-up from the raw tables ({size})", "—", $"{rebuilt.TotalSeconds:0.0} s", null);

        var sources = await admin.Http.GetFromJsonAsync<List<Source>>("/api/admin/insights") ?? [];
        var to = DateOnly.FromDateTime(DateTime.UtcNow);
        var range = $"from={to.AddDays(-364):yyyy-MM-dd}&to={to:yyyy-MM-dd}";
        var urls = sources.Select(s => (Name: s.Key, Url: $"/api/admin/insights/{s.Key}?{range}")).ToList();
        urls.Add(("posts in one category", $"/api/admin/insights/posts?{range}&category={categoryId}"));
        urls.Add(("first-response in one category", $"/api/admin/insights/first-response?{range}&category={categoryId}"));
        urls.Add(("posts as CSV", $"/api/admin/insights/posts?{range}&format=csv"));
        urls.Add(("active-members of one plan", $"/api/admin/insights/active-members?{range}&plan=team"));
        urls.Add(("list of charts", "/api/admin/insights"));
        foreach (var url in urls.Select(u => u.Url)) (await admin.Http.GetAsync(url)).EnsureSuccessStatusCode(); // warm-up
        foreach (var (name, url) in urls)
        {
            var times = new List<double>();
            for (var i = 0; i < Rounds; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await admin.Http.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                times.Add(watch.Elapsed.TotalMilliseconds);
                response.EnsureSuccessStatusCode();
            }
            times.Sort();
            var p99 = Percentiles.Of(times, 99);
            report.Add("Insights", $"GET {name} over 12 months ({Rounds} requests one at a time), {Members:N0} members / "
                + $"{Threads * PostsPerThread:N0} posts / {Clicks:N0} clicks", "p99 ≤ 100 ms",
                $"p50 {Report.F(Percentiles.Of(times, 50))} ms, p99 {Report.F(p99)} ms", p99 <= 100, report.VsMillis(p99));
        }
    }

    private sealed record Source(string Key, string Title, int Order);

    private static async Task SeedAsync(Server server, long templateThread)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(server.Folder, "bench.db")};Default Timeout=600");
        await db.OpenAsync();
        var memberColumns = await ColumnsAsync(db, "AspNetUsers",
            "'Id', 'UserName', 'NormalizedUserName', 'Email', 'NormalizedEmail', 'JoinedAt', 'Plan', 'ExternalId', 'AccountId', 'DisplayName'");
        var threadColumns = await ColumnsAsync(db, "ForumThreads", "'Id', 'Title', 'Slug', 'LastSeq', 'AcceptedSeq', 'AuthorId', 'CreatedAt'");
        var postColumns = await ForumsScenario.PostColumnsAsync(db, "'Id', 'ThreadId', 'Seq', 'AuthorId', 'CreatedAt'");
        // Times as EF writes them on SQLite; a day of the 400 and a minute of it from each row's number.
        const string When = "strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || (({0}) % 400) || ' days', '-' || (({0}) * 7 % 1440) || ' minutes')";
        string At(string n) => string.Format(System.Globalization.CultureInfo.InvariantCulture, When, n);
        await using var insert = db.CreateCommand();
        insert.CommandTimeout = 0;
        insert.CommandText = $"""
            PRAGMA synchronous = OFF;
            BEGIN;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $members)
            INSERT INTO AspNetUsers (Id, UserName, NormalizedUserName, Email, NormalizedEmail, JoinedAt, Plan, DisplayName,
                                     {string.Join(", ", memberColumns)})
              SELECT 'im-' || n.i, 'im' || n.i, 'IM' || n.i, 'im' || n.i || '@bench.local', 'IM' || n.i || '@BENCH.LOCAL', {At("n.i * 3")},
                     CASE n.i % 3 WHEN 0 THEN 'team' WHEN 1 THEN 'enterprise' END, 'Insight member ' || n.i,
                     {string.Join(", ", memberColumns.Select(c => "a." + c))}
              FROM n, (SELECT * FROM AspNetUsers WHERE NormalizedEmail = upper($admin)) AS a;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $threads)
            INSERT INTO ForumThreads (Title, Slug, LastSeq, AcceptedSeq, AuthorId, CreatedAt, {string.Join(", ", threadColumns)})
              SELECT 'Insights bench thread ' || n.i, 'ib-' || n.i, $per, CASE WHEN n.i % 3 = 0 THEN 2 END, 'im-' || (1 + n.i * 7 % $members),
                     {At("n.i")}, {string.Join(", ", threadColumns.Select(c => "t." + c))}
              FROM n, (SELECT * FROM ForumThreads WHERE Id = $thread) AS t;
            WITH RECURSIVE s(seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM s WHERE seq < $per)
            INSERT INTO ForumPosts (ThreadId, Seq, AuthorId, CreatedAt, {string.Join(", ", postColumns)})
              SELECT t.Id, s.seq, CASE WHEN s.seq = 1 THEN t.AuthorId ELSE 'im-' || (1 + (t.Id * 13 + s.seq * 7919) % $members) END,
                     strftime('%Y-%m-%d %H:%M:%S', t.CreatedAt, '+' || ((s.seq - 1) * (7 + t.Id % 300)) || ' minutes'),
                     {string.Join(", ", postColumns.Select(c => "p." + c))}
              FROM ForumThreads t, s, (SELECT * FROM ForumPosts WHERE ThreadId = $thread AND Seq = 1) AS p
              WHERE t.Slug LIKE 'ib-%';
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
            INSERT INTO ReferralCodes (Code, Kind, CampaignTag, UsedCount, Disabled, CreatedAt, ClickCount)
              SELECT 'IBENCH' || n.i, 2, CASE WHEN n.i % 4 = 0 THEN NULL ELSE 'campaign-' || (n.i % 5) END, 0, 0, datetime('now', '-500 days'), 0
              FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $clicks)
            INSERT INTO ReferralClicks (CodeId, At)
              SELECT c.Id, {At("n.i")} FROM n JOIN ReferralCodes c ON c.Code = 'IBENCH' || (1 + n.i % 20);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $signups)
            INSERT INTO Referrals (CodeId, Source, Decision, FraudScore, Reasons, IsTest, CreatedAt, ConfirmedAt, ConvertedAt)
              SELECT c.Id, 'cookie', 0, 0, '', 0, {At("n.i * 11")}, {At("n.i * 11")},
                     CASE WHEN n.i % 5 = 0 THEN {At("n.i * 11")} END
              FROM n JOIN ReferralCodes c ON c.Code = 'IBENCH' || (1 + n.i % 20);
            COMMIT;
            """;
        insert.Parameters.AddWithValue("$thread", templateThread);
        insert.Parameters.AddWithValue("$admin", Server.AdminEmail);
        insert.Parameters.AddWithValue("$members", Members);
        insert.Parameters.AddWithValue("$threads", Threads);
        insert.Parameters.AddWithValue("$per", PostsPerThread);
        insert.Parameters.AddWithValue("$clicks", Clicks);
        insert.Parameters.AddWithValue("$signups", SignUps);
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
