namespace Community.Bench;

/// <summary>
/// Issue #8: what the request log (on by default) costs. Two fresh servers started alike on the same kind of data, one as shipped
/// and one with the log off, read the same URL in alternating rounds (CpuRounds); the row is the median of the per-round
/// ratios of server CPU per request, which a busy machine disturbs far less than requests per second.
/// </summary>
internal static class RequestLogScenario
{
    private const string Path = "/api/categories";

    public static async Task RunAsync(string repo, int portOn, int portOff, Report report, int seconds)
    {
        Task<Server>[] starting = [Server.StartAsync(repo, portOn), Server.StartAsync(repo, portOff, null, "--Logging:LogLevel:Community.RequestLog=Warning")];
        try { await Task.WhenAll(starting); }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully)) await started.Result.DisposeAsync();
            throw;
        }
        await using var on = starting[0].Result;
        await using var off = starting[1].Result;

        var rounds = await CpuRounds.MeasureAsync([new CpuLeg(on, on.Url + Path), new CpuLeg(off, off.Url + Path)], seconds,
            (i, r) => Console.WriteLine($"    round {i + 1}/{CpuRounds.Count}: log on {Report.F(r[0].Cpu, "0")} µs, " +
                $"off {Report.F(r[1].Cpu, "0")} µs, {Report.F(r[0].Cpu / r[1].Cpu, "0.00")}×"));
        var median = CpuRounds.Median(rounds, r => r[0].Cpu / r[1].Cpu);
        var ratio = median[0].Cpu / median[1].Cpu;
        var errors = rounds.Sum(r => r[0].Load.Errors + r[1].Load.Errors);
        var sameBytes = await report.App!.MeasureAsync(on.Url + Path, seconds);
        report.Add("Site", "request log on (the default) vs off: CPU per request, GET /api/categories", "≤ 1.10×",
            $"{Report.F(ratio, "0.00")}× median of {CpuRounds.Count} alternating rounds (spread {CpuRounds.Spread(rounds, r => r[0].Cpu / r[1].Cpu)}; " +
            $"{Report.F(median[0].Cpu, "0")} vs {Report.F(median[1].Cpu, "0")} µs/request; " +
            $"{Report.F(median[0].Load.RequestsPerSecond, "0")} req/s with the log){(errors > 0 ? $", {errors} non-2xx" : "")}",
            ratio <= 1.10 && errors == 0, Report.VsSameBytes(median[0].Load, sameBytes));
    }
}
