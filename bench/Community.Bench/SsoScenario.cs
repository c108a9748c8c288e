using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Community.Bench;

/// <summary>
/// Issue #11: the Connect (DiscourseConnect-compatible) sign-in, from the product's signed answer to the signed-in page, one
/// browser at a time so the figure is server time, not queueing. The product is this scenario: it reads the nonce from
/// /auth/connect/start's redirect and signs the answer with the shared secret, as a product's server would; its own time
/// is not counted. Half the sign-ins are a member's first (created just in time), half a returning member's.
/// </summary>
internal static class SsoScenario
{
    /// <summary>Passed to the bench server (Server.cs) so Connect is on.</summary>
    public const string Secret = "bench-connect-secret-0123456789";

    private const string NonceCookie = "community.connect";

    public static async Task RunAsync(Server server, Report report, int seconds)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(server.Url) };
        var n = 0;
        for (var i = 0; i < 20; i++) await SignInAsync(http, ++n); // JIT and the first members, unmeasured
        var callback = new List<double>();
        var total = new List<double>();
        string page = "/";
        var deadline = Stopwatch.GetTimestamp() + (long)(Math.Max(seconds, 5) * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline || total.Count < 100)
        {
            var (callbackMs, totalMs, landed) = await SignInAsync(http, ++n);
            callback.Add(callbackMs);
            total.Add(totalMs);
            page = landed;
        }

        // The same two round trips (a small answer, then the signed-in page's exact bytes) against the reference app.
        var referencePage = await report.App!.MirrorAsync(server.Url + page, await SignedInCookieAsync(http, ++n));
        using var plain = new HttpClient(new SocketsHttpHandler { UseCookies = false });
        var reference = new List<double>();
        for (var i = 0; i < total.Count + 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            (await plain.GetAsync(report.App.Url + "/small")).Dispose();
            (await plain.GetAsync(referencePage)).Dispose();
            if (i >= 20) reference.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        callback.Sort();
        total.Sort();
        reference.Sort();
        var p99 = Percentiles.Of(total, 99);
        var referenceP99 = Percentiles.Of(reference, 99);
        report.Add("SSO & embed", "Connect sign-in: signed answer → callback → signed-in page, server time (one browser at a time, half first sign-ins)",
            "≤ 50 ms p99",
            $"p99 {Report.F(p99, "0.0")} ms, median {Report.F(Percentiles.Of(total, 50), "0.0")} ms over {total.Count} sign-ins " +
            $"(callback alone: median {Report.F(Percentiles.Of(callback, 50), "0.0")} ms, p99 {Report.F(Percentiles.Of(callback, 99), "0.0")} ms)",
            p99 <= 50, $"p99 {Report.F(p99 / referenceP99, "0")}×, median {Report.F(Percentiles.Of(total, 50) / Percentiles.Of(reference, 50), "0")}× ref " +
            $"(the same two round trips and page bytes from the reference app: p99 {Report.F(referenceP99, "0.00")} ms, median " +
            $"{Report.F(Percentiles.Of(reference, 50), "0.00")} ms)");
    }

    /// <summary>One sign-in; returns the callback's time, the time to the signed-in page and that page's path.</summary>
    private static async Task<(double CallbackMs, double TotalMs, string Page)> SignInAsync(HttpClient http, int n)
    {
        var (query, cookie) = await AnswerAsync(http, n);
        var start = Stopwatch.GetTimestamp();
        using var signedIn = await http.SendAsync(Get("/auth/connect/callback" + query, cookie));
        var callbackMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (signedIn.StatusCode != HttpStatusCode.Redirect || !signedIn.Headers.TryGetValues("Set-Cookie", out var set))
            throw new InvalidOperationException($"Connect callback → {(int)signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync()}");
        var page = signedIn.Headers.Location!.OriginalString;
        using var landed = await http.SendAsync(Get(page, Cookies(set)));
        var body = await landed.Content.ReadAsStringAsync();
        var totalMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!landed.IsSuccessStatusCode) throw new InvalidOperationException($"Signed-in page {page} → {(int)landed.StatusCode}");
        return (callbackMs, totalMs, page);
    }

    private static async Task<string> SignedInCookieAsync(HttpClient http, int n)
    {
        var (query, cookie) = await AnswerAsync(http, n);
        using var signedIn = await http.SendAsync(Get("/auth/connect/callback" + query, cookie));
        return Cookies(signedIn.Headers.GetValues("Set-Cookie"));
    }

    /// <summary>What the browser brings back from the product: the callback's query (signed answer) and the nonce cookie.</summary>
    private static async Task<(string Query, string Cookie)> AnswerAsync(HttpClient http, int n)
    {
        using var started = await http.SendAsync(Get("/auth/connect/start?returnUrl=%2F", null));
        if (started.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Connect start → {(int)started.StatusCode}");
        var cookie = Cookies(started.Headers.GetValues("Set-Cookie"));
        var request = QueryHelpers.ParseQuery(started.Headers.Location!.Query);
        var asked = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(Convert.FromBase64String(request["sso"]!)));
        var user = (n + 1) / 2; // odd: a first sign-in (the member is created); even: the same member returns
        var fields = new Dictionary<string, string>
        {
            ["nonce"] = asked["nonce"]!, ["external_id"] = $"connect-{user}", ["email"] = $"connect{user}@bench.example",
            ["username"] = $"connect{user}", ["name"] = $"Connect User {user}", ["custom.plan"] = n % 2 == 1 ? "Starter" : "Enterprise",
        };
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join("&",
            fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)))));
        var sig = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(payload)));
        return ($"?sso={Uri.EscapeDataString(payload)}&sig={sig}", cookie);
    }

    private static HttpRequestMessage Get(string path, string? cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is { Length: > 0 }) request.Headers.Add("Cookie", cookie);
        return request;
    }

    /// <summary>The name=value pairs of Set-Cookie headers (deleted cookies left out), as a Cookie header.</summary>
    private static string Cookies(IEnumerable<string> setCookies) => string.Join("; ", setCookies
        .Select(c => c.Split(';')[0]).Where(c => !c.EndsWith('=') && !c.StartsWith(NonceCookie + "=;", StringComparison.Ordinal)));
}
