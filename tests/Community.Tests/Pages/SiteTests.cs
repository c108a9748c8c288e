using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Community.Tests.Infrastructure;

namespace Community.Tests.Pages;

public sealed partial class SiteTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Theory]
    [InlineData("/", "Where our customers help each other win")]
    [InlineData("/signup", "Join the community")]
    [InlineData("/signin", "Sign in")]
    [InlineData("/forgot-password", "Reset your password")]
    [InlineData("/settings", "Account settings")]
    [InlineData("/u/someone", "Loading")]
    public async Task Pages_render_in_the_layout_with_fingerprinted_assets_and_no_inline_script(string path, string heading)
    {
        using var client = factory.CreateApiClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Contains(heading, document.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("en", document.DocumentElement.GetAttribute("lang"));
        Assert.All(document.QuerySelectorAll("script"), s => Assert.False(string.IsNullOrEmpty(s.GetAttribute("src")), "inline script"));
        var css = document.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;
        Assert.Matches(Fingerprinted(), css);
        Assert.DoesNotContain("{{", document.DocumentElement.OuterHtml, StringComparison.Ordinal);

        var asset = await client.GetAsync(css);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Contains("immutable", asset.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_revalidate_with_etag()
    {
        using var client = factory.CreateApiClient();
        var first = await client.GetAsync("/signin");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/signin");
        again.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.Http.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Health_reports_the_database()
    {
        using var client = factory.CreateApiClient();
        var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("reachable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_document_lists_the_account_endpoints()
    {
        using var client = factory.CreateApiClient();
        var json = await client.Http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/account/register", json, StringComparison.Ordinal);
        Assert.Contains("/api/me", json, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^/css/site\.[a-z0-9]+\.css$")]
    private static partial Regex Fingerprinted();
}
