using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Community.Bench;

/// <summary>
/// Issue #13: two real servers on one PostgreSQL database. A reply is posted on server one; the clock starts when the post is
/// acknowledged and stops when server two's cached thread window (read anonymously, as the hot path serves it) shows it.
/// The same measured with the read on server one is the in-run comparison: what the cache signal over NOTIFY adds.
/// </summary>
internal static class CacheScenario
{
    private const int Rounds = 200;

    public static async Task RunAsync(string repo, int portOne, int portTwo, Report report)
    {
        var admin = Environment.GetEnvironmentVariable("COMMUNITY_TEST_POSTGRES")
            ?? "Host=127.0.0.1;Port=5432;Username=community;Password=community;Database=postgres";
        var name = "community_bench_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            report.Add("Cache", "invalidation visible on the other server (two servers, PostgreSQL)", "p99 ≤ 200 ms",
                $"not run: PostgreSQL unreachable ({ex.Message}); set COMMUNITY_TEST_POSTGRES", null);
            return;
        }
        try
        {
            var database = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            string[] postgres = ["--Database:Provider=Postgres", $"--Database:ConnectionString={database}"];
            // One after the other: the first creates the schema and seeds the demo, the second finds it there.
            await using var one = await Server.StartAsync(repo, portOne, null, postgres);
            await using var two = await Server.StartAsync(repo, portTwo, null, postgres);
            await MeasureAsync(one, two, report);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static async Task MeasureAsync(Server one, Server two, Report report)
    {
        using var writer = await BenchClient.SignInAsync(one.Url, Server.AdminEmail, Server.AdminPassword);
        using var http = new HttpClient();
        var categories = await http.GetFromJsonAsync<JsonElement>(one.Url + "/api/categories");
        var categoryId = categories.EnumerateArray().First(c => !c.GetProperty("isPrivate").GetBoolean()).GetProperty("id").GetInt32();
        var created = await writer.PostJsonAsync("/api/threads", new { categoryId, title = "Cache invalidation across servers", body = "First." });
        var threadId = created.GetProperty("thread").GetProperty("id").GetInt64();
        var window = $"/api/threads/{threadId}/posts?after=0&limit=1";

        var across = await RoundsAsync(writer, threadId, http, two.Url + window);
        var same = await RoundsAsync(writer, threadId, http, one.Url + window);
        var p99 = Percentiles.Of(across, 99);
        report.Add("Cache",
            $"invalidation visible on the other server: reply acknowledged on one → server two's cached window shows it ({Rounds} replies)",
            "p99 ≤ 200 ms", $"p50 {Report.F(Percentiles.Of(across, 50))} ms, p99 {Report.F(p99)} ms; same server p50 "
            + $"{Report.F(Percentiles.Of(same, 50))} ms, p99 {Report.F(Percentiles.Of(same, 99))} ms", p99 <= 200, report.VsMillis(p99));
    }

    /// <summary>Each round: read (so the window is cached), reply, then poll the reader until the window's last seq moves.</summary>
    private static async Task<List<double>> RoundsAsync(BenchClient writer, long threadId, HttpClient http, string readUrl)
    {
        var times = new List<double>(Rounds);
        for (var i = 0; i < Rounds; i++)
        {
            var before = await LastSeqAsync(http, readUrl);
            var reply = await writer.PostJsonAsync($"/api/threads/{threadId}/posts", new { body = $"Reply {i}" });
            var seq = reply.GetProperty("seq").GetInt32();
            var watch = Stopwatch.StartNew();
            while (await LastSeqAsync(http, readUrl) < seq)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"reply {seq} never showed (still {before})");
            }
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times;
    }

    private static async Task<int> LastSeqAsync(HttpClient http, string url) =>
        (await http.GetFromJsonAsync<JsonElement>(url)).GetProperty("lastSeq").GetInt32();

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
