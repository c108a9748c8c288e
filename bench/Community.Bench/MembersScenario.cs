namespace Community.Bench;

/// <summary>
/// Issue #8: what a signed-in member's reads cost next to an anonymous reader's. Measured as server CPU per request (from /proc), which a busy machine disturbs
/// far less than requests per second.
/// </summary>
internal static class MembersScenario
{
    public const string MemberEmail = "ben@demo.community", MemberPassword = "demo-community-2026";

    public static async Task RunAsync(Server server, ReferenceApp reference, Report report, int seconds)
    {
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
        var created = await admin.PostJsonAsync("/api/threads", new { categoryId = 2, title = "Fifty posts, read by members", body = "First post." });
        var threadId = created.GetProperty("thread").GetProperty("id").GetInt64();
        for (var i = 2; i <= 50; i++) await admin.PostJsonAsync($"/api/threads/{threadId}/posts", new { body = $"Reply {i} with **some** Markdown." });
        using var member = await BenchClient.SignInAsync(server.Url, MemberEmail, MemberPassword);
        var cookie = member.CookieHeader;
        var window = $"{server.Url}/api/threads/{threadId}/posts?after=0&limit=50";

        // Anonymous, member and /me measured in alternating rounds (CpuRounds), each row the median of the per-round ratios.
        var anonymousUrl = window;
        var meUrl = $"{server.Url}/api/threads/{threadId}/me";
        var runs = await CpuRounds.MeasureAsync([new CpuLeg(server, anonymousUrl), new CpuLeg(server, window, cookie), new CpuLeg(server, meUrl, cookie)],
            seconds, (i, r) => Console.WriteLine($"    round {i + 1}/{Rounds}: anonymous {Report.F(r[0].Cpu, "0")} µs, " +
                $"member {Report.F(r[1].Cpu / r[0].Cpu, "0.00")}×, /me {Report.F(r[2].Cpu / r[0].Cpu, "0.00")}×"));
        var rounds = runs.Select(r => new Round(r[0].Load, r[0].Cpu, r[1].Load, r[1].Cpu, r[2].Load, r[2].Cpu)).ToList();
        var sameBytes = await reference.MeasureAsync(window, seconds);

        var anonymous = CpuRounds.Median(rounds, r => r.AnonymousCpu);
        var anonymousSpread = CpuRounds.Spread(rounds, r => r.AnonymousCpu, "0", "");
        report.Add("Members", "thread read API (50 posts), anonymous: server CPU per request", "informational",
            $"{Report.F(anonymous.AnonymousCpu, "0")} µs/request, median of {Rounds} rounds (spread {anonymousSpread} µs; " +
            $"{Report.F(anonymous.Anonymous.RequestsPerSecond, "0")} req/s, p99 {Report.F(anonymous.Anonymous.P99Ms, "0.00")} ms)",
            null, Report.VsSameBytes(anonymous.Anonymous, sameBytes));

        var median = CpuRounds.Median(rounds, r => r.MemberRatio);
        var memberErrors = rounds.Sum(r => r.Member.Errors);
        report.Add("Members", "thread read API (50 posts), signed-in member: CPU per request vs anonymous", "≤ 1.3×",
            $"{Report.F(median.MemberRatio, "0.00")}× median of {Rounds} alternating rounds (spread {CpuRounds.Spread(rounds, r => r.MemberRatio)}; " +
            $"{Report.F(median.MemberCpu, "0")} µs/request, {Report.F(median.Member.RequestsPerSecond, "0")} req/s)",
            median.MemberRatio <= 1.3 && memberErrors == 0, Report.VsSameBytes(median.Member, sameBytes));

        var meMedian = CpuRounds.Median(rounds, r => r.MeRatio);
        report.Add("Members", "GET /api/threads/{id}/me (once per thread view): CPU per request vs anonymous thread read", "≤ 2×",
            $"{Report.F(meMedian.MeRatio, "0.00")}× median of {Rounds} rounds (spread {CpuRounds.Spread(rounds, r => r.MeRatio)}; " +
            $"{Report.F(meMedian.MeCpu, "0")} µs/request, {Report.F(meMedian.Me.RequestsPerSecond, "0")} req/s)",
            meMedian.MeRatio <= 2 && rounds.Sum(r => r.Me.Errors) == 0, report.VsRate(meMedian.Me.RequestsPerSecond));
    }

    private const int Rounds = CpuRounds.Count;

    private sealed record Round(LoadResult Anonymous, double AnonymousCpu, LoadResult Member, double MemberCpu, LoadResult Me, double MeCpu)
    {
        public double MemberRatio => MemberCpu / AnonymousCpu;
        public double MeRatio => MeCpu / AnonymousCpu;
    }
}
