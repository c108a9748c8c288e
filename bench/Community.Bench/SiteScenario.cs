namespace Community.Bench;

/// <summary>Foundation hot paths: the home page (layout render, cached) and the health check.</summary>
internal static class SiteScenario
{
    public static async Task RunAsync(Server server, Report report, int seconds)
    {
        var home = await Wrk.RunAsync(server.Url + "/", seconds: seconds);
        report.Add("Site", "GET / (home page HTML), wrk 32 connections", "informational",
            $"{Report.F(home.RequestsPerSecond, "0")} req/s, p99 {Report.F(home.P99Ms, "0.00")} ms", null);
        var idle = server.RssMiB();
        report.Add("Site", "Resident memory after warm-up (demo data)", "≤ 200 MiB", $"{Report.F(idle, "0")} MiB", idle <= 200);
    }
}
