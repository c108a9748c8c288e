using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Community.Bench;

internal sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors);

/// <summary>Runs wrk (Debian's package) with latency percentiles and parses its report.</summary>
internal static partial class Wrk
{
    /// <summary>Measures after a 2-second warm-up run against the same URL (caches filled, code jitted), as on a live server.</summary>
    public static async Task<LoadResult> RunAsync(string url, int connections = 32, int seconds = 10, int threads = 2, string? script = null, string? cookie = null)
    {
        await RunOnceAsync(url, connections, 2, threads, script, cookie);
        return await RunOnceAsync(url, connections, seconds, threads, script, cookie);
    }

    /// <summary>A measured run (after the warm-up) and the server CPU it cost per request, in microseconds.</summary>
    public static async Task<(LoadResult Load, double CpuMicrosPerRequest)> CpuPerRequestAsync(Server server, string url, int seconds, string? cookie = null)
    {
        await RunOnceAsync(url, 32, Math.Max(2, seconds / 2), 2, null, cookie); // longer warm-up: CPU per request is the figure
        var before = server.CpuSeconds();
        var load = await RunOnceAsync(url, 32, seconds, 2, null, cookie);
        return (load, (server.CpuSeconds() - before) * 1e6 / Math.Max(1, load.Requests));
    }

    private static async Task<LoadResult> RunOnceAsync(string url, int connections, int seconds, int threads, string? script, string? cookie)
    {
        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"-t{threads}", $"-c{connections}", $"-d{seconds}s", "--latency", "-H", "Accept-Encoding: gzip" }) info.ArgumentList.Add(arg);
        if (script is not null) { info.ArgumentList.Add("-s"); info.ArgumentList.Add(script); }
        if (cookie is not null) { info.ArgumentList.Add("-H"); info.ArgumentList.Add("Cookie: " + cookie); }
        info.ArgumentList.Add(url);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var rps = double.Parse(Rps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var errors = Non2xx().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new LoadResult(rps, Percentile(output, "50"), Percentile(output, "99"), requests, errors);
    }

    private static double Percentile(string output, string p)
    {
        var m = Regex.Match(output, $@"^\s+{p}%\s+([\d.]+)(us|ms|s)", RegexOptions.Multiline);
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Rps();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();
}
