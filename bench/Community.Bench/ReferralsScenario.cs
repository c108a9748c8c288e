using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Community.Bench;

/// <summary>Issue #4: redirects with click logging (none lost), signed events with idempotency, the advocate dashboard.</summary>
internal static class ReferralsScenario
{
    public static async Task RunAsync(Server server, Report report, int seconds)
    {
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
        var code = (await admin.Http.GetFromJsonElementAsync("/api/referrals/me")).GetProperty("code").GetString()!;
        var key = await admin.PostJsonAsync("/api/admin/referrals/keys", new { name = "bench" });
        var signer = new Signer(key.GetProperty("id").GetString()!, key.GetProperty("secret").GetString()!);

        // The advocate the issue describes: 10,000 clicks on their link and 1,000 referred sign-ups (through the events API).
        await ClicksAsync(server.Url + "/r/" + code, 10_000);
        await SignupsAsync(server, signer, code, 1_000);
        await DashboardAsync(admin, report);

        // Throughput goes through another advocate's link, so the dashboard above keeps its size.
        using var ben = await BenchClient.SignInAsync(server.Url, "ben@demo.community", "demo-community-2026");
        var bensCode = (await ben.Http.GetFromJsonElementAsync("/api/referrals/me")).GetProperty("code").GetString()!;
        await EventsAsync(server, signer, bensCode, report, seconds);
        await RedirectsAsync(server, admin, report, seconds);
    }

    private static async Task ClicksAsync(string url, int count)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 32 });
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count) using (await http.GetAsync(url)) { }
        })));
    }

    private static async Task SignupsAsync(Server server, Signer signer, string code, int count)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri(server.Url) };
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= count)
            {
                var body = JsonSerializer.Serialize(new { id = $"adv_signup_{n}", type = "signup", customer = new { externalId = $"cus_adv_{n}" }, code });
                using var response = await http.SendAsync(signer.Request(body, $"adv_idem_{n}"));
                response.EnsureSuccessStatusCode();
            }
        })));
    }

    private static async Task EventsAsync(Server server, Signer signer, string code, Report report, int seconds)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(server.Url) };
        // Eight seconds of the same load first, unmeasured: the JIT's final code and warm caches, as on a server that has been running.
        await SendEventsAsync(http, signer, code, "warm_", 8, 0, [], []);
        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentBag<string>();
        var run = Stopwatch.StartNew();
        await SendEventsAsync(http, signer, code, "", Math.Max(seconds, 5), 2000, latencies, failures);
        var elapsed = run.Elapsed.TotalSeconds;
        var sorted = latencies.OrderBy(x => x).ToList();
        var rate = sorted.Count / elapsed;
        report.Add("Referrals", "signed events API (HMAC + Idempotency-Key), 32 concurrent senders", "≥ 2,000 events/s",
            $"{Report.F(rate, "0")}/s, p99 {Report.F(Percentiles.Of(sorted, 99), "0.0")} ms"
                + (failures.IsEmpty ? "" : $", {failures.Count} failed: {failures.First()}"),
            rate >= 2000 && failures.IsEmpty, report.VsRate(rate));
    }

    /// <summary>32 senders until the time is up and at least <paramref name="atLeast"/> were sent.</summary>
    private static Task SendEventsAsync(HttpClient http, Signer signer, string code, string prefix, int seconds, int atLeast,
        ConcurrentBag<double> latencies, ConcurrentBag<string> failures)
    {
        var sequence = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        return Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline || Volatile.Read(ref sequence) < atLeast)
            {
                var n = Interlocked.Increment(ref sequence);
                // Alternate: a referred sign-up, then that customer's first payment.
                var customer = $"cus_bench_{prefix}{(n + 1) / 2}";
                var body = n % 2 == 1
                    ? JsonSerializer.Serialize(new { id = $"evt_{prefix}{n}", type = "signup", customer = new { externalId = customer }, code })
                    : JsonSerializer.Serialize(new
                    {
                        id = $"evt_{prefix}{n}", type = "conversion", customer = new { externalId = customer }, amount = 4900, currency = "USD",
                        plan = "team",
                    });
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(signer.Request(body, $"idem_{prefix}{n}"));
                if (response.StatusCode == HttpStatusCode.OK) latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                else failures.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        })));
    }

    private static async Task DashboardAsync(BenchClient advocate, Report report)
    {
        var first = await advocate.Http.GetFromJsonElementAsync("/api/referrals/me");
        var funnel = first.GetProperty("funnel");
        var times = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await advocate.Http.GetAsync("/api/referrals/me");
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var p99 = Percentiles.Of(times, 99);
        report.Add("Referrals", $"advocate dashboard ({funnel.GetProperty("clicks")} clicks, {funnel.GetProperty("signups")} sign-ups)", "≤ 50 ms",
            $"p50 {Report.F(Percentiles.Of(times, 50), "0.0")} ms, p99 {Report.F(p99, "0.0")} ms", p99 <= 50, report.VsMillis(p99));
    }

    private static async Task RedirectsAsync(Server server, BenchClient admin, Report report, int seconds)
    {
        var before = await StatsAsync(admin);
        var r = await Wrk.RunAsync(server.Url + "/r/launch2026", seconds: seconds);
        await Task.Delay(1500); // one flush interval and then some
        var after = await StatsAsync(admin);
        var answered = after.Redirects - before.Redirects;
        var stored = after.InDatabase - before.InDatabase;
        report.Add("Referrals", "GET /r/{code} with click logging, wrk 32 connections", "≥ 20,000 redirects/s",
            $"{Report.F(r.RequestsPerSecond, "0")} redirects/s, p99 {Report.F(r.P99Ms, "0.00")} ms{(r.Errors > 0 ? $", {r.Errors} non-2xx/3xx" : "")}",
            r.RequestsPerSecond >= 20_000 && r.Errors == 0, report.VsRate(r.RequestsPerSecond));
        report.Add("Referrals", "clicks stored = redirects answered", "equal",
            $"{stored:N0} stored / {answered:N0} answered", stored == answered, Report.Exact(stored, answered));
    }

    /// <summary>The last check of the run: redirects right up to a SIGTERM, then count the rows once the server has gone.</summary>
    public static async Task GracefulStopAsync(Server server, Report report)
    {
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
        await Wrk.RunAsync(server.Url + "/r/launch2026", seconds: 3);
        var stats = await StatsAsync(admin);
        await server.StopAsync();
        var rows = await CountClicksAsync(server);
        // Rows = demo clicks + every redirect this server answered; the demo clicks are the rows not counted as redirects.
        var demo = stats.InDatabase - stats.Stored;
        report.Add("Referrals", "graceful stop (SIGTERM) straight after a redirect burst: clicks lost", "0",
            $"{rows - demo:N0} stored / {stats.Redirects:N0} answered", rows - demo == stats.Redirects, Report.Exact(rows - demo, stats.Redirects));
    }

    /// <summary>
    /// A crash under load: 32 clients hammer a code, the server is killed (SIGKILL) mid-burst, and the clicks in the
    /// database are compared with the redirects the clients actually received. Buffered clicks die with the process;
    /// this says how many, and how much traffic that is.
    /// </summary>
    public static async Task CrashAsync(string repo, int port, Report report)
    {
        await using var server = await Server.StartAsync(repo, port);
        var before = await CountClicksAsync(server);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 32 });
        long answered = 0;
        var stop = Stopwatch.StartNew();
        using var killed = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (!killed.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync(server.Url + "/r/launch2026", killed.Token);
                    if (response.StatusCode == HttpStatusCode.Found || response.StatusCode == HttpStatusCode.Redirect) Interlocked.Increment(ref answered);
                }
                catch (Exception) when (!killed.IsCancellationRequested) { await Task.Delay(1); } // the server is gone: wait for the cancel
                catch (OperationCanceledException) { return; }
            }
        })).ToList();
        await Task.Delay(3000);
        await server.KillAsync();
        var elapsed = stop.Elapsed.TotalSeconds;
        await killed.CancelAsync();
        await Task.WhenAll(clients);
        var stored = await CountClicksAsync(server) - before;
        var lost = Interlocked.Read(ref answered) - stored;
        var rate = answered / elapsed;
        var windowMs = rate > 0 ? lost / rate * 1000 : 0;
        report.Add("Referrals", "crash (SIGKILL) under redirect load: clicks lost", "≤ the current batch window (200 ms of traffic)",
            $"{Math.Max(0, lost):N0} of {answered:N0} ({Report.F(Math.Max(0, windowMs), "0")} ms of traffic at {Report.F(rate, "0")}/s)", windowMs <= 200, report.VsRate(rate));
    }

    private static async Task<long> CountClicksAsync(Server server)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.Folder, "bench.db")}");
        await db.OpenAsync();
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM ReferralClicks";
        return Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private sealed record Stats(long Redirects, long Stored, long InDatabase);

    private static async Task<Stats> StatsAsync(BenchClient admin)
    {
        var s = await admin.Http.GetFromJsonElementAsync("/api/admin/referrals/stats");
        return new Stats(s.GetProperty("redirects").GetInt64(), s.GetProperty("clicksStored").GetInt64(), s.GetProperty("clicksInDatabase").GetInt64());
    }

    private sealed class Signer(string keyId, string secret)
    {
        private readonly byte[] _secret = Encoding.UTF8.GetBytes(secret);

        public HttpRequestMessage Request(string body, string idempotencyKey)
        {
            var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var signature = Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(t + "." + body)));
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/referrals/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Community-Key", keyId);
            request.Headers.Add("X-Community-Signature", $"t={t},v1={signature}");
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }
    }
}

internal static class HttpJson
{
    public static async Task<JsonElement> GetFromJsonElementAsync(this HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url} → {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
