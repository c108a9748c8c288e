namespace Community.Bench;

/// <summary>
/// Issue #13's single-server numbers on PostgreSQL: the forums scenario (thread read API and page, replies, live delivery)
/// against one server on a fresh PostgreSQL database, its rows marked "(PostgreSQL)" beside the SQLite ones.
/// </summary>
internal static class ForumsPostgresScenario
{
    public static async Task RunAsync(string repo, int port, Report report, int seconds)
    {
        await using var database = await ScaleOutScenario.Database.CreateAsync();
        await using var server = await Server.StartAsync(repo, port, null, "--Database:Provider=Postgres",
            $"--Database:ConnectionString={database.ConnectionString}");
        report.AreaSuffix = " (PostgreSQL)";
        try { await ForumsScenario.RunAsync(server, report, seconds, sqlite: false); }
        finally { report.AreaSuffix = ""; }
    }
}
