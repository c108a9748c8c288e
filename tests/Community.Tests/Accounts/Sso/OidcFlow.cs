using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Community.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Accounts.Sso;

/// <summary>Community with OpenID Connect sign-in configured; its calls to the provider's token endpoint pass <see cref="Tamper"/>.</summary>
public sealed class OidcFactory(IDictionary<string, string?> settings) : CommunityFactory
{
    public TokenTamper Tamper { get; } = new();

    protected override IDictionary<string, string?> Settings() => settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // After the handler's own set-up: discovery keeps its client, token and userinfo calls go through the tamperer.
        builder.ConfigureServices(services => services.PostConfigure<OpenIdConnectOptions>("oidc",
            o => o.Backchannel = new HttpClient(new TamperingHandler(Tamper) { InnerHandler = new SocketsHttpHandler() })
            {
                Timeout = TimeSpan.FromSeconds(5),
            }));
    }
}

/// <summary>What a man in the middle does to the provider's token answer (id_token), for the refusal tests.</summary>
public sealed class TokenTamper
{
    /// <summary>Replaces the id_token with this one (e.g. a real token the provider issued to another client).</summary>
    public string? ReplaceIdToken { get; set; }
    public bool BreakSignature { get; set; }

    /// <summary>Time spent waiting for the provider (token and userinfo calls), so a measurement can leave it out.</summary>
    public TimeSpan ProviderTime => TimeSpan.FromTicks(Interlocked.Read(ref _providerTicks));

    private long _providerTicks;

    internal void AddProviderTime(TimeSpan elapsed) => Interlocked.Add(ref _providerTicks, elapsed.Ticks);
}

internal sealed partial class TamperingHandler(TokenTamper tamper) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        tamper.AddProviderTime(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        if (request.RequestUri?.AbsolutePath != "/token" || (tamper.ReplaceIdToken is null && !tamper.BreakSignature)) return response;
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
        var idToken = tamper.ReplaceIdToken ?? (string)json["id_token"]!;
        if (tamper.BreakSignature)
        {
            var parts = idToken.Split('.');
            // A signature of the right length made of other bytes: the key matches, the signature does not.
            parts[2] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(256)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            idToken = string.Join('.', parts);
        }
        json["id_token"] = idToken;
        response.Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json");
        return response;
    }
}

/// <summary>A person at the provider's own login page, driven over HTTP: follows the provider's redirects and fills in its form.</summary>
public sealed partial class ProviderVisitor : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });

    /// <summary>Starts at <paramref name="authorize"/>, signs in, and returns the redirect back to the relying party.</summary>
    public async Task<Uri> SignInAsync(Uri authorize, string email, string password, string redirectPrefix)
    {
        var next = authorize;
        for (var hop = 0; hop < 12; hop++)
        {
            if (next.AbsoluteUri.StartsWith(redirectPrefix, StringComparison.Ordinal)) return next;
            using var response = await _http.GetAsync(next);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var html = await response.Content.ReadAsStringAsync();
                var action = LoginAction().Match(html);
                Assert.True(action.Success, $"Expected the provider's login page at {next}: {html}");
                using var login = await _http.PostAsync(new Uri(next, action.Groups[1].Value), new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["login"] = email,
                    ["password"] = password,
                }));
                Assert.True(login.Headers.Location is not null, $"The provider refused the login: {await login.Content.ReadAsStringAsync()}");
                next = new Uri(next, login.Headers.Location);
                continue;
            }
            Assert.True(response.Headers.Location is not null, $"Provider answered {response.StatusCode} at {next}: {await response.Content.ReadAsStringAsync()}");
            next = new Uri(next, response.Headers.Location);
        }
        throw new InvalidOperationException("Too many redirects at the provider.");
    }

    /// <summary>A real id_token the provider issues to another client (audience <see cref="OidcProvider.OtherClientId"/>).</summary>
    public async Task<string> IdTokenForOtherClientAsync(OidcProvider provider, string redirectUri, string email, string password)
    {
        var verifier = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var authorize = new Uri($"{provider.Issuer}/auth?client_id={OidcProvider.OtherClientId}&response_type=code&scope=openid%20email" +
            $"&redirect_uri={Uri.EscapeDataString(redirectUri)}&state=s&nonce=n&code_challenge={challenge}&code_challenge_method=S256");
        var back = await SignInAsync(authorize, email, password, redirectUri);
        var code = System.Web.HttpUtility.ParseQueryString(back.Query)["code"]!;
        using var token = await _http.PostAsync(provider.Issuer + "/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = OidcProvider.OtherClientId,
            ["client_secret"] = OidcProvider.ClientSecret,
            ["code_verifier"] = verifier,
        }));
        var body = await token.Content.ReadFromJsonAsync<JsonObject>();
        return (string?)body?["id_token"] ?? throw new InvalidOperationException($"No id_token: {body}");
    }

    [GeneratedRegex("action=\"(/interaction/[^\"]+/login)\"")]
    private static partial Regex LoginAction();

    public void Dispose() => _http.Dispose();
}
