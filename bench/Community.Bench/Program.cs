using Community.Bench;

// Usage: dotnet Community.Bench.dll --repo <checkout> [--seconds 10] [--stream-seconds 180] [--search-posts 1000000]
//        [--postgres <Npgsql connection string; default $COMMUNITY_TEST_POSTGRES>] [--pg-search-posts 100000]
//        [--only site,media,forums,referrals,publishing,members,requestlog,sync,embed,sso,search,memory,live,scaleout,forumspg,webhooks,
//                billing,cache,drill,digests,ideas,kb,lifecycle,recognition,insights] [--out file.md]
//        [--baseline-repo <checkout of the previous build> --baseline-rev <name>] (bench/run.sh --baseline sets these)
var options = Options.Parse(args);
var report = new Report();
Console.WriteLine($"Community bench on {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

// The yardstick first: a minimal ASP.NET Core app on the same machine, measured now and again beside each read row.
await using var reference = await ReferenceApp.StartAsync(options.Repo, options.Port + 5);
report.App = reference;
var small = await Wrk.RunAsync(reference.Url + "/small", seconds: options.Seconds);
report.Reference = new Baseline(small, reference.RssMiB());
Console.WriteLine($"  Reference app: {small.RequestsPerSecond:0} req/s, p50 {small.P50Ms:0.00} ms, {report.Reference.RssMiB:0} MiB");

// --baseline: the same scenarios on the previous build (bench/run.sh built it in a temporary git worktree), first,
// so every row of this build can show its ratio to the previous build's figure measured minutes apart.
if (options.BaselineRepo is not null)
{
    var previous = new Report { Reference = report.Reference, App = reference, Label = $"previous build {options.BaselineRev}" };
    Console.WriteLine($"  The previous build ({options.BaselineRev}, {options.BaselineRepo}) first:");
    try
    {
        await RunScenariosAsync(options with { Repo = options.BaselineRepo }, previous);
    }
    catch (Exception ex) when (ex is not OutOfMemoryException)
    {
        Console.WriteLine($"  The previous build failed a scenario ({ex.GetType().Name}: {ex.Message}); rows it did not produce show no ratio.");
    }
    report.Previous = previous;
    Console.WriteLine("  This build:");
}
await RunScenariosAsync(options, report);

Console.WriteLine();
var table = report.ToMarkdown();
Console.WriteLine(table);
if (options.Out is not null) await File.WriteAllTextAsync(options.Out, table);
return report.AllMet ? 0 : 1;

static async Task RunScenariosAsync(Options options, Report report)
{
    // The image pipeline is timed in this process, so only this build's library can be measured.
    if (options.Wants("media") && report.Label is null) MediaScenario.Run(report);

    // The areas measured on one shared server; "memory" and "live" start their own.
    if (options.WantsAny("site", "publishing", "referrals", "members", "forums", "search", "embed", "sso", "sync", "ideas", "kb", "insights"))
    {
        await using var server = await Server.StartAsync(options.Repo, options.Port);
        // Let start-up work (JIT, caches, demo seeding) settle before measuring memory and throughput.
        using (var warm = new HttpClient()) for (var i = 0; i < 200; i++) await warm.GetAsync(server.Url + "/");
        await Task.Delay(2000);
        if (options.Wants("site")) await SiteScenario.RunAsync(server, report, options.Seconds);
        if (options.Wants("publishing")) await PublishingScenario.RunAsync(server, report, options.Seconds);
        if (options.Wants("referrals")) await ReferralsScenario.RunAsync(server, report, options.Seconds);
        if (options.Wants("embed")) await EmbedScenario.RunAsync(server, report, options.Seconds);
        if (options.WantsAny("embed", "sso")) await SsoScenario.RunAsync(server, report, options.Seconds);
        if (options.Wants("members")) await MembersScenario.RunAsync(server, report.App!, report, options.Seconds);
        if (options.WantsAny("members", "sync")) await MemberSyncScenario.RunAsync(server, report, options.Seconds);
        if (options.Wants("forums")) await ForumsScenario.RunAsync(server, report, options.Seconds);
        if (options.Wants("ideas")) await IdeasScenario.RunAsync(server, report, options.Seconds);
        if (options.Wants("search")) await SearchScenario.RunAsync(server, report, options.SearchPosts);
        if (options.Wants("kb")) await KbScenario.RunAsync(server, report);
        if (options.Wants("insights")) await InsightsScenario.RunAsync(server, report);
        if (options.Wants("referrals")) await ReferralsScenario.GracefulStopAsync(server, report);
    }

    // Two fresh servers of their own (ports of "memory" and of the old single quiet server), so after the shared one has stopped.
    if (options.WantsAny("members", "requestlog")) await RequestLogScenario.RunAsync(options.Repo, options.Port + 2, options.Port + 4, report, options.Seconds);
    // Search on PostgreSQL: its own server and database (COMMUNITY_TEST_POSTGRES or --postgres names a role that may create one).
    if (options.Wants("search")) await SearchPostgresScenario.RunAsync(options.Repo, options.Port + 7, report, options.PostgresSearchPosts, options.Postgres);

    if (options.Wants("memory")) await IdleMemoryScenario.RunAsync(options.Repo, options.Port + 2, report);
    if (options.Wants("live")) await LiveScenario.RunAsync(options.Repo, options.Port + 3, report, options.StreamSeconds);
    // Two servers on one PostgreSQL database (bench/run.sh starts the test PostgreSQL for it).
    if (options.Wants("scaleout")) await ScaleOutScenario.RunAsync(options.Repo, options.Port + 3, options.Port + 7, report, options.Seconds);
    // The forums rows again on one server on PostgreSQL (its own database): issue #13's single-server numbers.
    if (options.Wants("forumspg")) await ForumsPostgresScenario.RunAsync(options.Repo, options.Port + 9, report, options.Seconds);
    // 10,000 connection attempts against a small connection ceiling: the server stays up (issue #14).
    if (options.Wants("drill")) await ConnectionDrillScenario.RunAsync(options.Repo, options.Port + 9, report);
    if (options.Wants("billing")) await BillingScenario.RunAsync(options.Repo, options.Port + 8, report, options.Seconds);
    // Issue #15: one daily digest run for 10,000 members on a server of its own.
    if (options.Wants("digests")) await DigestsScenario.RunAsync(options.Repo, options.Port + 8, report);
    // Issue #16: the nightly lifecycle-stage recomputation for 100,000 members on a server of its own.
    if (options.Wants("lifecycle")) await LifecycleScenario.RunAsync(options.Repo, options.Port + 10, report);
    // Issue #16: the recognition listener's cost on replies (two servers), and recomputing 100,000 members' trust levels.
    if (options.Wants("recognition")) await RecognitionScenario.RunAsync(options.Repo, options.Port + 8, options.Port + 9, report, options.Seconds);

    if (options.Wants("webhooks")) await WebhooksScenario.RunAsync(options.Repo, options.Port + 6, report);
    if (options.Wants("webhooks")) await WebhookReplyScenario.RunAsync(options.Repo, options.Port + 6, report, options.Seconds);

    // Two servers on one PostgreSQL database: how soon a write on one is what the other serves from its cache.
    if (options.Wants("cache")) await CacheScenario.RunAsync(options.Repo, options.Port + 7, options.Port + 1, report);

    // A second server, killed mid-burst: what a crash costs the click log.
    if (options.Wants("referrals")) await ReferralsScenario.CrashAsync(options.Repo, options.Port + 1, report);
}

internal sealed record Options(string Repo, int Seconds, HashSet<string>? Only, string? Out, int Port, int SearchPosts, int StreamSeconds,
    string? BaselineRepo = null, string? BaselineRev = null, string? Postgres = null, int PostgresSearchPosts = 100_000)
{
    public bool Wants(string area) => Only is null || Only.Contains(area);
    public bool WantsAny(params string[] areas) => areas.Any(Wants);

    public static Options Parse(string[] args)
    {
        string repo = Directory.GetCurrentDirectory(), only = "", output = "", baselineRepo = "", baselineRev = "";
        int seconds = 10, port = 5710, searchPosts = 1_000_000, streamSeconds = 180, pgSearchPosts = 100_000;
        var postgres = Environment.GetEnvironmentVariable("COMMUNITY_TEST_POSTGRES");
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--repo": repo = args[++i]; break;
                case "--seconds": seconds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--only": only = args[++i]; break;
                case "--out": output = args[++i]; break;
                case "--stream-seconds": streamSeconds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--port": port = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--baseline-repo": baselineRepo = args[++i]; break;
                case "--baseline-rev": baselineRev = args[++i]; break;
                case "--postgres": postgres = args[++i]; break;
                case "--pg-search-posts": pgSearchPosts = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--search-posts": searchPosts = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        return new Options(Path.GetFullPath(repo), seconds,
            only.Length == 0 ? null : only.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase),
            output.Length == 0 ? null : output, port, searchPosts, streamSeconds,
            baselineRepo.Length == 0 ? null : Path.GetFullPath(baselineRepo), baselineRev.Length == 0 ? "baseline" : baselineRev,
            postgres, pgSearchPosts);
    }
}
