using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Community.Bench;

/// <summary>A signed-in HTTP client like the browser's api.js: cookies plus the anti-forgery header on writes.</summary>
internal sealed class BenchClient : IDisposable
{
    private readonly HttpClient _http;
    private string _csrf = "";
    private readonly CookieContainer _cookies = new();

    private BenchClient(string baseUrl, int connections, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler { CookieContainer = _cookies, UseCookies = true, MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http => _http;

    /// <summary>The Cookie header the browser would send (for wrk runs as this member).</summary>
    public string CookieHeader => _cookies.GetCookieHeader(_http.BaseAddress!);

    public static async Task<BenchClient> SignInAsync(string baseUrl, string email, string password, int connections = 64,
        TimeSpan? timeout = null)
    {
        var client = new BenchClient(baseUrl, connections, timeout);
        await client.RefreshCsrfAsync();
        var response = await client.PostAsync("/api/account/signin", new { email, password });
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Bench sign-in failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await client.RefreshCsrfAsync();
        return client;
    }

    private async Task RefreshCsrfAsync() =>
        _csrf = (await _http.GetFromJsonAsync<JsonElement>("/api/antiforgery")).GetProperty("token").GetString()!;

    public Task<HttpResponseMessage> PostAsync(string url, object body) => SendAsync(HttpMethod.Post, url, body);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-CSRF-TOKEN", _csrf);
        return await _http.SendAsync(request);
    }

    public async Task<JsonElement> PostJsonAsync(string url, object body)
    {
        var response = await PostAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {url} → {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}

internal static class Percentiles
{
    public static double Of(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
}
