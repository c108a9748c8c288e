using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Community.Bench;

/// <summary>Issue #11: the member sync API, as a product's server pushes its users (half new members, half plan changes).</summary>
internal static class MemberSyncScenario
{
    private static readonly string[] Scopes = ["members:write"];
    private static readonly string[] Groups = ["customers"];

    public static async Task RunAsync(Server server, Report report, int seconds)
    {
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
        var key = await admin.PostJsonAsync("/api/admin/referrals/keys", new { name = "bench sync", scopes = Scopes });
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 32 }) { BaseAddress = new Uri(server.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.GetProperty("secret").GetString());

        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentBag<string>();
        var sequence = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(Math.Max(seconds, 5) * Stopwatch.Frequency);
        var run = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline || Volatile.Read(ref sequence) < 1000)
            {
                var n = Interlocked.Increment(ref sequence);
                var user = (n + 1) / 2; // odd: a new member; even: the same member's plan and attributes change
                var body = new
                {
                    email = $"sync{user}@bench.example", emailVerified = true, name = $"Sync User {user}", accountId = $"org-{user % 500}",
                    accountName = $"Org {user % 500}", plan = n % 2 == 1 ? "Starter" : "Enterprise", groups = Groups,
                };
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PutAsJsonAsync($"/api/members/external/bench-{user}", body);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created)
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                else failures.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        })));
        var elapsed = run.Elapsed.TotalSeconds;
        var sorted = latencies.OrderBy(x => x).ToList();
        var rate = sorted.Count / elapsed;
        var referenceRate = await SameSendersOnReferenceAsync(report.App!, seconds);
        report.Add("Members", "member sync upserts/s (PUT /api/members/external, half creates), 32 concurrent senders", "≥ 500 upserts/s",
            $"{Report.F(rate, "0")}/s, p99 {Report.F(Percentiles.Of(sorted, 99), "0.0")} ms{(failures.IsEmpty ? "" : $", {failures.Count} failed: {failures.First()}")}",
            rate >= 500 && failures.IsEmpty,
            $"{Report.F(rate / referenceRate, "0.000")}× ref (the same 32 senders against the reference app, right after: {Report.F(referenceRate, "0")} req/s)");
    }

    /// <summary>The same client, concurrency and duration against the reference app's 2-byte answer: the machine's pace just then.</summary>
    private static async Task<double> SameSendersOnReferenceAsync(ReferenceApp reference, int seconds)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 32 }) { BaseAddress = new Uri(reference.Url) };
        var count = 0L;
        var deadline = Stopwatch.GetTimestamp() + (long)(Math.Max(seconds, 5) * Stopwatch.Frequency);
        var run = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                using var response = await http.GetAsync("/small");
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref count);
            }
        })));
        return count / run.Elapsed.TotalSeconds;
    }
}
