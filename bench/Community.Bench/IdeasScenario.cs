using System.Diagnostics;

namespace Community.Bench;

/// <summary>Issue #15's ideas numbers: the public roadmap page under wrk, and a vote over HTTP.</summary>
internal static class IdeasScenario
{
    public static async Task RunAsync(Server server, Report report, int seconds)
    {
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
        var board = await admin.PostJsonAsync("/api/categories",
            new { name = "Bench ideas", slug = "bench-ideas", description = "Ideas for the benchmark", position = 98, kind = "ideas" });
        var boardId = board.GetProperty("id").GetInt32();
        // A board like a real one: 60 ideas, a third of them on the roadmap.
        var statuses = new[] { "planned", "in-progress", "shipped", "new", "under-review", "declined" };
        var ideas = new List<long>();
        for (var i = 0; i < 60; i++)
        {
            var created = await admin.PostJsonAsync("/api/threads",
                new { categoryId = boardId, title = $"Bench idea {i + 1}: export dashboards as PDF", body = "Weekly, to the whole team." });
            var id = created.GetProperty("thread").GetProperty("id").GetInt64();
            ideas.Add(id);
            (await admin.SendAsync(HttpMethod.Put, $"/api/ideas/{id}/status", new { status = statuses[i % statuses.Length], note = "On our list." }))
                .EnsureSuccessStatusCode();
        }

        var url = server.Url + "/roadmap";
        // Warm, unmeasured, until the JIT's final code runs (as the forum rows do): a first short run here measured half the rate.
        await Wrk.RunAsync(url, seconds: 8);
        var r = await Wrk.RunAsync(url, seconds: seconds);
        var versus = await report.VsSameBytesAsync(url, r, seconds);
        report.Add("Ideas", "/roadmap page (server-rendered, anonymous), wrk 32 connections", "≥ 20,000 req/s",
            $"{Report.F(r.RequestsPerSecond, "0")} req/s, p99 {Report.F(r.P99Ms, "0.00")} ms{(r.Errors > 0 ? $", {r.Errors} non-2xx" : "")}",
            r.RequestsPerSecond >= 20_000 && r.Errors == 0, versus);

        // An idea's own page (the thread page with the idea panel), in the same conditions: the row to compare the roadmap with.
        var ideaPage = $"{server.Url}/t/{ideas[0]}/x";
        await Wrk.RunAsync(ideaPage, seconds: 8);
        var p = await Wrk.RunAsync(ideaPage, seconds: seconds);
        report.Add("Ideas", "an idea's page HTML (thread page with the idea panel), wrk 32 connections", "informational",
            $"{Report.F(p.RequestsPerSecond, "0")} req/s, p99 {Report.F(p.P99Ms, "0.00")} ms{(p.Errors > 0 ? $", {p.Errors} non-2xx" : "")}", null,
            await report.VsSameBytesAsync(ideaPage, p, seconds));

        // Votes: a member votes and takes the vote back, one request at a time, on an open idea (each is a full write with its live event).
        var open = ideas[3];
        var times = new List<double>();
        var failures = 0;
        var watch = new Stopwatch();
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        for (var i = 0; i < 50 || (Stopwatch.GetTimestamp() < deadline && i < 5000); i++)
        {
            watch.Restart();
            using var response = await admin.SendAsync(i % 2 == 0 ? HttpMethod.Put : HttpMethod.Delete, $"/api/ideas/{open}/vote", new { });
            if (i >= 20) times.Add(watch.Elapsed.TotalMilliseconds); // the first ones warm the path
            if (!response.IsSuccessStatusCode) failures++;
        }
        times.Sort();
        var p99 = Percentiles.Of(times, 99);
        report.Add("Ideas", $"a vote or unvote over HTTP, sequential ({times.Count} measured)", "p99 ≤ 20 ms",
            $"p50 {Report.F(Percentiles.Of(times, 50), "0.0")} ms, p99 {Report.F(p99, "0.0")} ms{(failures > 0 ? $", {failures} failed" : "")}",
            p99 <= 20 && failures == 0, report.VsMillis(p99));

        await FanOutAsync(server, admin, ideas[4], report, viewers: 1000, votes: 20);
    }

    /// <summary>A vote's new count reaching everyone on the idea's page: measured from the HTTP answer to each viewer's socket.</summary>
    private static async Task FanOutAsync(Server server, BenchClient admin, long idea, Report report, int viewers, int votes)
    {
        var clients = await ForumsScenario.ConnectAsync(server.Url, idea, viewers);
        await Task.Delay(2000);
        var sent = new List<long>();
        for (var i = 0; i < votes; i++)
        {
            using var response = await admin.SendAsync(i % 2 == 0 ? HttpMethod.Put : HttpMethod.Delete, $"/api/ideas/{idea}/vote", new { });
            response.EnsureSuccessStatusCode();
            sent.Add(Stopwatch.GetTimestamp());
            await Task.Delay(250);
        }
        await Task.Delay(2000);
        var latencies = new List<double>();
        foreach (var client in clients)
        {
            lock (client.VoteArrivals)
            {
                for (var i = 0; i < Math.Min(sent.Count, client.VoteArrivals.Count); i++)
                {
                    latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(sent[i], client.VoteArrivals[i]).TotalMilliseconds));
                }
            }
        }
        latencies.Sort();
        var p99 = Percentiles.Of(latencies, 99);
        report.Add("Ideas", $"a vote → {viewers} live viewers of the idea (SignalR JSON over WebSocket), {votes} votes",
            "p99 ≤ 100 ms from the HTTP answer, none lost",
            $"p50 {Report.F(Percentiles.Of(latencies, 50), "0.0")} ms, p99 {Report.F(p99, "0.0")} ms; delivered {latencies.Count}/{viewers * votes}",
            p99 <= 100 && latencies.Count == viewers * votes, report.VsMillis(p99));
        await ForumsScenario.DisposeAllAsync(clients);
    }
}
