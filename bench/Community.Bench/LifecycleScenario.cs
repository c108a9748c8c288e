using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Community.Bench;

/// <summary>
/// Issue #16: the nightly lifecycle-stage recomputation for 100,000 members with 1,000,000 posts, 300,000 reactions and 5,000
/// referrals (SQLite, one server). The data is written straight into the bench database between two starts of the server; the
/// second start runs the pass at once (every member gets a first stage: the heaviest pass) and again a minute and a half later (the
/// steady nightly pass: facts read for everyone, few changes). Each pass's time is the server's own, from its log. The reference
/// is reading the same facts (the grouped queries' input) from this process on the same file.
/// </summary>
internal static partial class LifecycleScenario
{
    private const int Members = 100_000, Posts = 1_000_000, Threads = 1_000, Reactions = 300_000, Referrals = 5_000;

    public static async Task RunAsync(string repo, int port, Report report)
    {
        var folder = Directory.CreateTempSubdirectory("community-bench-lifecycle").FullName;
        try
        {
            await using (var first = await Server.StartAsync(repo, port, folder, "--Lifecycle:RecomputeStartDelaySeconds=86400")) { }
            var file = Path.Combine(folder, "bench.db");
            var seeding = Stopwatch.StartNew();
            await using (var db = new SqliteConnection($"Data Source={file};Default Timeout=60;Pooling=false"))
            {
                await db.OpenAsync();
                await LifecycleSeed.RunAsync(db, Members, Posts, Threads, Reactions, Referrals);
            }
            seeding.Stop();
            var referenceMs = await ReadFactsAsync(file);
            Console.WriteLine($"    lifecycle: seeded in {seeding.Elapsed.TotalSeconds:0.0} s; reading the facts took {referenceMs:0} ms");

            await using var server = await Server.StartAsync(repo, port, folder,
                "--Lifecycle:RecomputeStartDelaySeconds=0", "--Lifecycle:RecomputeHours=0.025");
            var passes = await PassesAsync(2, TimeSpan.FromMinutes(6));
            server.KeepFolder = true;
            var stages = await CountAsync(file, """SELECT COUNT(*) FROM "MemberStages" WHERE "MemberId" LIKE 'life-%'""");
            var names = new[] { "first pass (every member gets a stage)", "nightly pass (steady: facts for all, few changes)" };
            for (var i = 0; i < names.Length; i++)
            {
                if (i >= passes.Count)
                {
                    report.Add("Lifecycle", $"{names[i]}, {Members:N0} members", "≤ 60 s", "no pass seen in the log", false);
                    continue;
                }
                var (changed, ms) = passes[i];
                report.Add("Lifecycle", $"stage recomputation, {names[i]}, {Members:N0} members, {Posts:N0} posts (SQLite)", "≤ 60 s",
                    $"{Report.F(ms / 1000.0)} s, {changed:N0} changes{(i == 0 ? $", {stages:N0} stages" : "")}",
                    ms <= 60_000 && (i > 0 || stages == Members),
                    $"{Report.F(ms / Math.Max(1, referenceMs), "0.0")}× reading the same facts ({Report.F(referenceMs, "0")} ms)");
            }
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Waits for <paramref name="count"/> passes in the server's log; each is (changes, milliseconds).</summary>
    private static async Task<List<(long Changed, double Ms)>> PassesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        List<(long, double)> found = [];
        while (DateTime.UtcNow < deadline)
        {
            found = [.. PassLine().Matches(string.Join("\n", Server.Log)).Select(m =>
                (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))];
            if (found.Count >= count) break;
            await Task.Delay(500);
        }
        return found;
    }

    /// <summary>The reference: the rows the fact queries group, read and materialised by this process.</summary>
    private static async Task<double> ReadFactsAsync(string file)
    {
        await using var db = new SqliteConnection($"Data Source={file};Pooling=false");
        await db.OpenAsync();
        var watch = Stopwatch.StartNew();
        foreach (var sql in new[]
        {
            """SELECT "Id", "JoinedAt", "ExternalId" FROM "AspNetUsers" """,
            """SELECT "AuthorId", "CreatedAt" FROM "ForumPosts" WHERE NOT "IsDeleted" """,
            """SELECT "MemberId", "CreatedAt" FROM "ForumReactions" """,
            """SELECT "AdvocateId", "CreatedAt", "ConvertedAt" FROM "Referrals" """,
        })
        {
            await using var command = db.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++) _ = reader.GetValue(i);
            }
        }
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<long> CountAsync(string file, string sql)
    {
        await using var db = new SqliteConnection($"Data Source={file};Pooling=false");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"Lifecycle stages recomputed: (\d+) changed in (\d+) ms")]
    private static partial Regex PassLine();
}
