namespace Community.Bench;

/// <summary>Foundation hot paths: the home page (layout render, cached) and the health check.</summary>
internal static class SiteScenario
{
    public static async Task RunAsync(Server server, Report report, int seconds)
    {
        var home = await Wrk.RunAsync(server.Url + "/", seconds: seconds);
        var versus = await report.VsSameBytesAsync(server.Url + "/", home, seconds);
        report.Add("Site", "GET / (home page HTML), wrk 32 connections", "informational",
            $"{Report.F(home.RequestsPerSecond, "0")} req/s, p99 {Report.F(home.P99Ms, "0.00")} ms", null, versus);
        var idle = server.RssMiB();
        report.Add("Site", "resident memory on a brand-new database (first start: demo seeded, story images decoded)", "informational", $"{Report.F(idle, "0")} MiB", null, report.VsMiB(idle));
    }
}

/// <summary>
/// Issue #3's memory line: a running deployment (restarted on its data, so shipped story images were processed on an
/// earlier start), a thread of 50 posts read anonymously under wrk, then idle.
/// </summary>
internal static class IdleMemoryScenario
{
    public static async Task RunAsync(string repo, int port, Report report)
    {
        string folder;
        long threadId;
        string url;
        await using (var first = await Server.StartAsync(repo, port))
        {
            first.KeepFolder = true;
            folder = first.Folder;
            using var admin = await BenchClient.SignInAsync(first.Url, Server.AdminEmail, Server.AdminPassword);
            var created = await admin.PostJsonAsync("/api/threads", new { categoryId = 2, title = "Fifty posts, read anonymously", body = "First post." });
            threadId = created.GetProperty("thread").GetProperty("id").GetInt64();
            url = created.GetProperty("thread").GetProperty("url").GetString()!;
            for (var i = 2; i <= 50; i++) await admin.PostJsonAsync($"/api/threads/{threadId}/posts", new { body = $"Reply {i} with **some** Markdown." });
            await first.StopAsync();
        }
        await using var server = await Server.StartAsync(repo, port, folder);
        await Wrk.RunAsync($"{server.Url}/api/threads/{threadId}/posts", seconds: 5);
        await Wrk.RunAsync(server.Url + url, seconds: 5);
        await Wrk.RunAsync(server.Url + "/api/categories", seconds: 5);
        await Task.Delay(5000);
        var idle = server.RssMiB();
        report.Add("Forums", "resident memory idle after warm-up (running deployment, 50-post thread read under wrk)", "≤ 200 MiB", $"{Report.F(idle, "0")} MiB", idle <= 200, report.VsMiB(idle));
        server.KeepFolder = false;
    }
}
