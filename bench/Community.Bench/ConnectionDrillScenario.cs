using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Community.Bench;

/// <summary>
/// Issue #14's drill: 10,000 connection attempts against a server with a ceiling of 2,000 connections
/// (<c>Server:MaxConnections</c>; by default it is the open-file limit minus 512). The server must stay up: the connection it
/// already had keeps being served, a new visitor during the flood gets 503 or a closed socket, and once the flood leaves a new
/// visitor is served again.
/// </summary>
internal static class ConnectionDrillScenario
{
    public static async Task RunAsync(string repo, int port, Report report, int ceiling = 2000, int attempts = 10_000)
    {
        await using var server = await Server.StartAsync(repo, port, null, $"--Server:MaxConnections={ceiling}");
        var uri = new Uri(server.Url);
        using var kept = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = uri };
        (await kept.GetAsync(new Uri("/healthz", UriKind.Relative))).EnsureSuccessStatusCode();
        var rssBefore = server.RssMiB();

        var flood = new List<Socket>(attempts);
        var failed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, attempts), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (_, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, uri.Port, ct);
                lock (flood) flood.Add(socket);
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref failed);
                socket.Dispose();
            }
        });
        await Task.Delay(2000); // the server closes what is over its ceiling at once; give the closes time to arrive
        var closed = flood.Count(s => s.Poll(0, SelectMode.SelectRead) && s.Available == 0);
        var rssDuring = server.RssMiB();

        var watch = Stopwatch.StartNew();
        var health = (await kept.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode;
        var categories = (await kept.GetAsync(new Uri("/api/categories", UriKind.Relative))).StatusCode;
        var keptMs = watch.Elapsed.TotalMilliseconds;
        var during = await FreshAsync(uri);

        foreach (var socket in flood) socket.Dispose();
        watch.Restart();
        string after;
        do after = await FreshAsync(uri);
        while (after != "200" && watch.Elapsed < TimeSpan.FromSeconds(60) && await Delay());
        var recovered = watch.Elapsed.TotalSeconds;

        var up = health == HttpStatusCode.OK && categories == HttpStatusCode.OK && after == "200";
        report.Add("Overload", $"{attempts:N0} connection attempts against a {ceiling:N0}-connection ceiling",
            "server stays up; its open connection is served; new visitors refused during, served after",
            $"{flood.Count:N0} connected ({failed} refused by the kernel), {closed:N0} closed at once by the server; open connection: " +
            $"/healthz and /api/categories {(int)health}/{(int)categories} in {Report.F(keptMs, "0")} ms; a new visitor during: {during}, " +
            $"after: {after} in {Report.F(recovered, "0.0")} s; {Report.F(rssBefore, "0")} → {Report.F(rssDuring, "0")} MiB",
            up && during != "200", report.VsMiB(rssDuring));
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(250);
        return true;
    }

    /// <summary>A GET on a brand-new connection: its status code, or "closed" when the server closed the connection instead.</summary>
    private static async Task<string> FreshAsync(Uri uri)
    {
        using var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var status = (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode;
            return ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException) { return "closed"; }
        catch (TaskCanceledException) { return "timed out"; }
    }
}
