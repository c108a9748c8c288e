using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Security;

/// <summary>Behind a TLS proxy the app only sees http; the public address says https.</summary>
public sealed class HttpsAddressFactory : CommunityFactory
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["Site:PublicBaseUrl"] = "https://community.example" };
}

/// <summary>Issue #9, item 11: the sign-in cookie is Secure whenever the public address is https, even without ForwardedHeaders.</summary>
public sealed class SecureCookieTests(HttpsAddressFactory factory) : IClassFixture<HttpsAddressFactory>
{
    [Fact]
    public async Task Sign_in_cookie_is_secure_behind_a_tls_proxy_without_forwarded_headers()
    {
        var email = $"secure.{Guid.NewGuid():N}@example.com";
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var (member, _) = await scope.ServiceProvider.GetRequiredService<MemberRegistration>()
                .CreateAsync(email, "Secure Person", ApiClient.DefaultPassword, emailConfirmed: true);
            Assert.NotNull(member);
        }
        // Cookies by hand: a cookie container would (rightly) not send Secure cookies back over the test's plain http.
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var antiforgery = await http.GetAsync("/api/antiforgery");
        var token = JsonDocument.Parse(await antiforgery.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        var csrfCookies = antiforgery.Headers.GetValues("Set-Cookie").ToList();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/account/signin") { Content = JsonContent.Create(new { email, password = ApiClient.DefaultPassword }) };
        request.Headers.Add("X-CSRF-TOKEN", token);
        request.Headers.Add("Cookie", string.Join("; ", csrfCookies.Select(c => c.Split(';')[0])));
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var auth = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("community.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", auth, StringComparison.OrdinalIgnoreCase);
    }
}
