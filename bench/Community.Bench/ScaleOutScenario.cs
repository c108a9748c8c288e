using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Community.Bench;

/// <summary>
/// Issue #13's two-server number: cross-server live delivery. Two real servers on one PostgreSQL database (LISTEN/NOTIFY
/// bus), 1,000 viewers split over both, replies posted on server 1: the viewers on server 2 get every reply through
/// PostgreSQL. The same stream to 1,000 viewers of one server on PostgreSQL, measured first, is the row's reference.
/// </summary>
internal static class ScaleOutScenario
{
    /// <summary>Set by bench/run.sh (the test PostgreSQL test.sh also uses); a role that may create databases.</summary>
    private static string AdminConnection => Environment.GetEnvironmentVariable("COMMUNITY_BENCH_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=community;Password=community;Database=postgres";

    public static async Task RunAsync(string repo, int portOne, int portTwo, Report report, int seconds)
    {
        const int viewers = 1000, perSecond = 10;
        double single;
        await using (var database = await Database.CreateAsync())
        await using (var server = await StartAsync(repo, portOne, database, Directory.CreateTempSubdirectory("community-bench-keys").FullName))
        {
            var (stream, _) = await StreamAsync(server, [server.Url], viewers, perSecond, seconds);
            single = Percentiles.Of(stream.All, 99);
            report.Add("Scale-out",
                $"one server on PostgreSQL: {perSecond} replies/s to {viewers} viewers for {seconds} s, delivery from the HTTP 201",
                "reference for the two-server row (p99 ≤ 100 ms)", Describe(stream.All, stream.Expected, stream.Failures),
                single <= 100 && stream.Complete);
        }
        await using (var database = await Database.CreateAsync())
        {
            var keys = Directory.CreateTempSubdirectory("community-bench-keys").FullName;
            await using var one = await StartAsync(repo, portOne, database, keys);
            await using var two = await StartAsync(repo, portTwo, database, keys);
            var (stream, cross) = await StreamAsync(one, [one.Url, two.Url], viewers, perSecond, seconds);
            var p99 = Percentiles.Of(cross, 99);
            report.Add("Scale-out", $"two servers, one PostgreSQL: {perSecond} replies/s posted on server 1, {viewers / 2} viewers on each, " +
                $"{seconds} s: delivery to the viewers on server 2",
                "cross-server p99 ≤ 100 ms, none lost",
                $"{Describe(cross, stream.Expected / 2, stream.Failures)}; all {viewers}: p99 {Report.F(Percentiles.Of(stream.All, 99), "0.0")} ms",
                p99 <= 100 && stream.Complete, $"{Report.F(p99 / single, "0.00")}× one server's p99");
        }
    }

    private static string Describe(List<double> latencies, int expected, int failures) =>
        $"p50 {Report.F(Percentiles.Of(latencies, 50), "0.0")} ms, p99 {Report.F(Percentiles.Of(latencies, 99), "0.0")} ms; " +
        $"delivered {latencies.Count}/{expected}{(failures > 0 ? $", {failures} posts failed" : "")}";

    private static async Task<Server> StartAsync(string repo, int port, Database database, string keys)
    {
        var server = await Server.StartAsync(repo, port, folder: null, "--Database:Provider=Postgres",
            $"--Database:ConnectionString={database.ConnectionString}", $"--DataProtection:KeysFolder={keys}", "--Demo:Seed=false");
        using (var warm = new HttpClient()) for (var i = 0; i < 200; i++) await warm.GetAsync(server.Url + "/");
        await Task.Delay(2000);
        return server;
    }

    private sealed record Stream(List<double> All, int Expected, int Failures, bool Complete);

    /// <summary>Viewers spread evenly over <paramref name="urls"/>; replies posted on <paramref name="poster"/>. Returns all
    /// latencies and those of the viewers not on the poster's server.</summary>
    private static async Task<(Stream Stream, List<double> Cross)> StreamAsync(Server poster, string[] urls, int viewers, int perSecond, int seconds)
    {
        using var admin = await BenchClient.SignInAsync(poster.Url, Server.AdminEmail, Server.AdminPassword);
        var category = await admin.PostJsonAsync("/api/categories",
            new { name = "Scale-out", slug = "scale-out", description = "Bench threads", position = 99, isQa = false });
        var (threadId, _) = await ForumsScenario.CreateThreadAsync(admin, category.GetProperty("id").GetInt32(), "A thread watched on two servers");
        var groups = new List<List<HubViewer>>();
        foreach (var url in urls) groups.Add(await ForumsScenario.ConnectAsync(url, threadId, viewers / urls.Length));
        await Task.Delay(2000);
        var posted = new ConcurrentDictionary<int, long>();
        var posts = new List<Task>();
        var failures = 0;
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / perSecond)))
        {
            for (var n = 1; n <= seconds * perSecond && await timer.WaitForNextTickAsync(); n++)
            {
                var i = n;
                posts.Add(Task.Run(async () =>
                {
                    using var response = await admin.PostAsync($"/api/threads/{threadId}/posts", new { body = ForumsScenario.Reply(i) });
                    if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref failures); return; }
                    using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    posted[doc.RootElement.GetProperty("seq").GetInt32()] = Stopwatch.GetTimestamp();
                }));
            }
            await Task.WhenAll(posts);
        }
        await Task.Delay(2000);
        var all = ForumsScenario.Latencies(groups.SelectMany(g => g).ToList(), posted);
        var cross = ForumsScenario.Latencies(groups.Skip(1).SelectMany(g => g).ToList(), posted);
        Shortfall(groups, posted);
        foreach (var group in groups) await ForumsScenario.DisposeAllAsync(group);
        var expected = viewers / urls.Length * urls.Length * posted.Count;
        return (new Stream(all, expected, failures, all.Count == expected && failures == 0), cross);
    }

    /// <summary>When deliveries are missing, says where: which server's viewers, whether their sockets ended or were told to catch up.</summary>
    private static void Shortfall(List<List<HubViewer>> groups, IReadOnlyDictionary<int, long> posted)
    {
        for (var g = 0; g < groups.Count; g++)
        {
            var shortViewers = groups[g].Where(v => { lock (v.Arrivals) return posted.Keys.Count(v.Arrivals.ContainsKey) < posted.Count; }).ToList();
            if (shortViewers.Count == 0) continue;
            var missing = shortViewers.SelectMany(v => { lock (v.Arrivals) return posted.Keys.Where(k => !v.Arrivals.ContainsKey(k)).ToList(); })
                .GroupBy(k => k).OrderBy(k => k.Key).Select(k => $"{k.Key}×{k.Count()}").Take(12);
            Console.WriteLine($"    server {g + 1}: {shortViewers.Count} viewers short ({shortViewers.Count(v => v.Ended)} sockets ended, "
                + $"{shortViewers.Count(v => v.CatchUpSignals > 0)} told to catch up); missing seq×viewers: {string.Join(", ", missing)}");
        }
    }

    /// <summary>A fresh database on the bench's PostgreSQL, dropped afterwards.</summary>
    internal sealed class Database : IAsyncDisposable
    {
        private readonly string _name = "community_bench_" + Guid.NewGuid().ToString("N")[..12];

        public string ConnectionString => new NpgsqlConnectionStringBuilder(AdminConnection) { Database = _name }.ConnectionString;

        public static async Task<Database> CreateAsync()
        {
            var database = new Database();
            await ExecuteAsync($"CREATE DATABASE {database._name}");
            return database;
        }

        private static async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(AdminConnection);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
        }
    }
}
