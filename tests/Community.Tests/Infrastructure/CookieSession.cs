using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Community.Tests.Infrastructure;

/// <summary>
/// One browser session held as raw cookies, so a test can copy it (as a thief would) and replay the copy later.
/// Writes fetch an antiforgery token with the session's own cookies first, like api.js does.
/// </summary>
public sealed class CookieSession
{
    private readonly HttpClient _raw;
    private readonly Dictionary<string, string> _cookies;

    private CookieSession(HttpClient raw, Dictionary<string, string> cookies)
    {
        _raw = raw;
        _cookies = cookies;
    }

    public static async Task<CookieSession> SignInAsync(WebApplicationFactory<Program> factory, string email,
        string password = ApiClient.DefaultPassword)
    {
        var raw = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var session = new CookieSession(raw, new Dictionary<string, string>(StringComparer.Ordinal));
        var response = await session.SendAsync(HttpMethod.Post, "/api/account/signin", new { email, password });
        response.EnsureSuccessStatusCode();
        return session;
    }

    /// <summary>The Cookie header as it is now (for a WebSocket, say).</summary>
    public string Header => string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}"));

    /// <summary>A copy of the cookies as they are now: it does not follow what the server sets on the original afterwards.</summary>
    public CookieSession Copy() => new(_raw, new Dictionary<string, string>(_cookies, StringComparer.Ordinal));

    public async Task<HttpResponseMessage> GetAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        return await SendRawAsync(request);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body = null)
    {
        var token = await GetAsync("/api/antiforgery");
        var csrf = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.Add("X-CSRF-TOKEN", csrf);
        return await SendRawAsync(request);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0) request.Headers.Add("Cookie", Header);
        var response = await _raw.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var pair in values.Select(v => v.Split(';')[0]))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var (name, value) = (pair[..eq], pair[(eq + 1)..]);
                if (value.Length == 0) _cookies.Remove(name);
                else _cookies[name] = value;
            }
        }
        return response;
    }
}
