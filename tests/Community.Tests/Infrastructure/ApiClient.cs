using System.Text;
using System.Text.Json;

namespace Community.Tests.Infrastructure;

public sealed record Problem(int Status, string? Title, string? Detail, string? Type, Dictionary<string, string[]>? Errors, string? Code);
public sealed record Me(string Id, string UserName, string Email, string DisplayName, string? Bio, DateTime JoinedAt, bool EmailConfirmed, string[] Roles);

/// <summary>
/// A browser-like client: keeps cookies, sends the anti-forgery header on writes like api.js does,
/// and knows the account flows so feature tests can start from "a signed-in member".
/// </summary>
public sealed class ApiClient(HttpClient http, Mailbox mail) : IDisposable
{
    public const string DefaultPassword = "correct horse battery staple";
    private string? _csrf;

    public HttpClient Http => http;
    public Mailbox Mail => mail;
    public Me? Current { get; private set; }

    public async Task<string> CsrfAsync(bool refresh = false)
    {
        if (_csrf is null || refresh)
        {
            var token = await http.GetFromJsonAsync<JsonElement>("/api/antiforgery");
            _csrf = token.GetProperty("token").GetString();
        }
        return _csrf!;
    }

    public Task<HttpResponseMessage> GetAsync(string url) => http.GetAsync(url);
    public Task<HttpResponseMessage> PostAsync(string url, object? body = null) => SendAsync(HttpMethod.Post, url, JsonContent.Create(body ?? new { }));
    public Task<HttpResponseMessage> PutAsync(string url, object? body = null) => SendAsync(HttpMethod.Put, url, JsonContent.Create(body ?? new { }));
    public Task<HttpResponseMessage> PatchAsync(string url, object? body = null) => SendAsync(HttpMethod.Patch, url, JsonContent.Create(body ?? new { }));
    public Task<HttpResponseMessage> DeleteAsync(string url) => SendAsync(HttpMethod.Delete, url, null);
    public Task<HttpResponseMessage> PostRawAsync(string url, string body, string contentType = "application/json") =>
        SendAsync(HttpMethod.Post, url, new StringContent(body, Encoding.UTF8, contentType));

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("X-CSRF-TOKEN", await CsrfAsync());
        return await http.SendAsync(request);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web)!;
    }

    /// <summary>Asserts a ProblemDetails answer with the given status and returns it.</summary>
    public static async Task<Problem> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize<Problem>(body, JsonSerializerOptions.Web)!;
    }

    /// <summary>Signs up; the answer is the same 202 whether or not the address is registered, so there is nothing to return.</summary>
    public async Task RegisterAsync(string email, string displayName, string password = DefaultPassword) =>
        await ReadAsync<JsonElement>(await PostAsync("/api/account/register", new { email, displayName, password }), HttpStatusCode.Accepted);

    public async Task ConfirmFromMailAsync(string email)
    {
        var link = Mailbox.LinkIn(await mail.WaitForAsync(email, "Confirm your email"), "/confirm-email");
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        var response = await PostAsync("/api/account/confirm-email", new { userId = query["userId"], token = query["token"] });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<Me> SignInAsync(string email, string password = DefaultPassword)
    {
        Current = await ReadAsync<Me>(await PostAsync("/api/account/signin", new { email, password }));
        await CsrfAsync(refresh: true); // the token is bound to the signed-in user
        return Current;
    }

    public async Task SignOutAsync()
    {
        await PostAsync("/api/account/signout");
        Current = null;
        await CsrfAsync(refresh: true);
    }

    /// <summary>Registers, confirms through the mailed link and signs in.</summary>
    public async Task<Me> JoinAsync(string displayName, string? email = null)
    {
        email ??= $"{Guid.NewGuid():N}@example.com";
        await RegisterAsync(email, displayName);
        await ConfirmFromMailAsync(email);
        return await SignInAsync(email);
    }

    public void Dispose() => http.Dispose();
}
