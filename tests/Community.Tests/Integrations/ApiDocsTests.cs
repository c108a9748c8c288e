using System.Text.RegularExpressions;
using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Security;

namespace Community.Tests.Integrations;

public sealed partial class ApiDocsTests
{
    [GeneratedRegex("""(?:src|href)\s*=\s*["'](?<url>[^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex Links();

    [Fact]
    public async Task The_docs_page_is_served_from_this_site_without_any_external_host()
    {
        await using var factory = new CommunityFactory();
        using var http = factory.CreateClient();
        var response = await http.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var links = Links().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.NotEmpty(links);
        Assert.All(links, url => Assert.False(url.StartsWith("//", StringComparison.Ordinal) || url.Contains("://", StringComparison.Ordinal), url));
        Assert.DoesNotContain("cdn.jsdelivr", html, StringComparison.OrdinalIgnoreCase);
        // The one inline script runs under a per-request nonce; inline script stays forbidden.
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = Regex.Match(html, "nonce=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"script-src 'self' 'nonce-{nonce}';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline';", csp.Split("script-src")[1].Split(';')[0], StringComparison.Ordinal);
        Assert.Contains("href=\"/api/docs\"", await http.GetStringAsync("/"), StringComparison.Ordinal); // the footer links here
        var other = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(Community.Web.Infrastructure.Security.SecurityHeaders.ContentSecurityPolicy,
            other.Headers.GetValues("Content-Security-Policy").Single());
        foreach (var url in links.Where(u => u.EndsWith(".js", StringComparison.Ordinal)))
        {
            var script = await http.GetAsync(new Uri(new Uri("http://localhost/api/docs/"), url));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
    }

    [Fact]
    public async Task The_openapi_document_declares_the_key_schemes_and_each_integration_endpoints_scope()
    {
        await using var factory = new CommunityFactory();
        using var http = factory.CreateClient();
        var json = await (await http.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var schemes = doc.RootElement.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty(ApiScopes.BearerScheme).GetProperty("scheme").GetString());
        Assert.Equal("X-Community-Signature", schemes.GetProperty(ApiSecurityDocument.SignatureScheme).GetProperty("name").GetString());
        var description = schemes.GetProperty(ApiScopes.BearerScheme).GetProperty("description").GetString()!;
        Assert.All(ApiScopes.All, scope => Assert.Contains(scope, description, StringComparison.Ordinal));

        var paths = doc.RootElement.GetProperty("paths");
        string ScopeOf(string path, string method) => paths.GetProperty(path).GetProperty(method).GetProperty("security")[0]
            .EnumerateObject().First().Value[0].GetString()!;
        Assert.Equal(ApiScopes.MembersRead, ScopeOf("/api/v1/members", "get"));
        Assert.Equal(ApiScopes.ForumsRead, ScopeOf("/api/v1/threads", "get"));
        Assert.Equal(ApiScopes.ReferralsRead, ScopeOf("/api/v1/referrals", "get"));
        Assert.Equal(ApiScopes.EventsWrite, ScopeOf("/api/referrals/events", "post"));
    }
}
