using System.Text.Json;
using System.Xml.Linq;
using AngleSharp.Html.Parser;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using QRCoder;

namespace Community.Tests.Security;

public sealed class PublicAddressFactory : CommunityFactory
{
    public const string Address = "http://community.example";

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Site:PublicBaseUrl"] = Address + "/",
        ["Forums:PostsPerMinute"] = "10000",
        ["Forums:NewMemberPostsPerMinute"] = "10000",
    };
}

/// <summary>
/// No absolute link the site emits comes from the request's Host header (issue #9, item 8): with Site:PublicBaseUrl set they
/// use it, without it (Development, tests) they use the address the server listens on (TestServer: http://localhost).
/// </summary>
public abstract class HostHeaderLinkTests(CommunityFactory factory, string site)
{
    private const string Evil = "evil.example";

    [Fact]
    public async Task Host_header_never_reaches_mails_dashboard_qr_robots_sitemap_feed_or_page_meta()
    {
        using var client = factory.CreateApiClient();
        client.Http.DefaultRequestHeaders.Host = Evil;
        var email = $"host.{Guid.NewGuid():N}@example.com";
        await client.RegisterAsync(email, "Host Tester");
        AssertOurs(Mailbox.LinkIn(await client.Mail.WaitForAsync(email, "Confirm your email"), "/confirm-email").ToString());
        await client.ConfirmFromMailAsync(email);
        var me = await client.SignInAsync(email);
        await factory.GrantRolesAsync(me.Id, "Admin");
        await client.SignInAsync(email);

        var dashboard = await ApiClient.ReadAsync<JsonElement>(await client.GetAsync("/api/referrals/me"));
        var link = dashboard.GetProperty("link").GetString()!;
        Assert.Equal($"{site}/r/{dashboard.GetProperty("code").GetString()}", link);
        Assert.All(dashboard.GetProperty("codes").EnumerateArray(), c => AssertOurs(c.GetProperty("link").GetString()!));

        using (var qr = QRCodeGenerator.GenerateQrCode(link, QRCodeGenerator.ECCLevel.M))
        {
            var expected = new SvgQRCode(qr).GetGraphic(8, "#000000", "#ffffff", drawQuietZones: true);
            Assert.Equal(expected, await client.Http.GetStringAsync("/api/referrals/me/qr.svg"));
        }

        var friend = $"friend.{Guid.NewGuid():N}@example.com";
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/api/referrals/me/share", new { emails = new[] { friend } })).StatusCode);
        var invite = await client.Mail.WaitForAsync(friend, "invited you");
        Assert.Contains($"Join here: {site}/signup?invite=", invite, StringComparison.Ordinal);
        Assert.DoesNotContain(Evil, invite, StringComparison.Ordinal);

        var robots = await client.Http.GetStringAsync("/robots.txt");
        Assert.Contains($"Sitemap: {site}/sitemap.xml", robots, StringComparison.Ordinal);

        var category = await Forum.CategoryAsync(client);
        var thread = await Forum.ThreadAsync(client, category.Id, "Where do links point?");

        var sitemap = XDocument.Parse(await client.Http.GetStringAsync("/sitemap.xml"));
        var locs = sitemap.Descendants().Where(e => e.Name.LocalName == "loc").Select(e => e.Value).ToList();
        Assert.NotEmpty(locs);
        Assert.All(locs, AssertOurs);

        var feed = XDocument.Parse(await client.Http.GetStringAsync("/stories/feed.xml"));
        var feedLinks = feed.Descendants().Where(e => e.Name.LocalName == "link").Select(e => e.Attribute("href")!.Value)
            .Concat(feed.Descendants().Where(e => e.Name.LocalName == "id").Select(e => e.Value)).ToList();
        Assert.True(feedLinks.Count > 2);
        Assert.All(feedLinks, AssertOurs);

        var story = new HtmlParser().ParseDocument(await client.Http.GetStringAsync("/spotlights/northwind-ops-self-serve"));
        AssertOurs(story.QuerySelector("link[rel=canonical]")!.GetAttribute("href")!);
        AssertOurs(story.QuerySelector("meta[property='og:url']")!.GetAttribute("content")!);
        AssertOurs(story.QuerySelector("meta[property='og:image']")!.GetAttribute("content")!);
        var ld = JsonDocument.Parse(story.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        AssertOurs(ld.GetProperty("mainEntityOfPage").GetString()!);
        Assert.All(ld.GetProperty("image").EnumerateArray(), i => AssertOurs(i.GetString()!));
        Assert.DoesNotContain(Evil, story.DocumentElement.OuterHtml, StringComparison.Ordinal);

        var threadPage = new HtmlParser().ParseDocument(await client.Http.GetStringAsync(thread.Thread.Url));
        AssertOurs(threadPage.QuerySelector("link[rel=canonical]")!.GetAttribute("href")!);
        AssertOurs(threadPage.QuerySelector("meta[property='og:url']")!.GetAttribute("content")!);
        Assert.DoesNotContain(Evil, threadPage.DocumentElement.OuterHtml, StringComparison.Ordinal);
    }

    private void AssertOurs(string url) => Assert.StartsWith(site + "/", url, StringComparison.Ordinal);
}

public sealed class ConfiguredAddressLinkTests(PublicAddressFactory factory)
    : HostHeaderLinkTests(factory, PublicAddressFactory.Address), IClassFixture<PublicAddressFactory>;

/// <summary>The default factory: no public address, Testing environment, posting limits raised for the thread it creates.</summary>
public sealed class ListenAddressFactory : CommunityFactory
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Forums:PostsPerMinute"] = "10000",
        ["Forums:NewMemberPostsPerMinute"] = "10000",
    };
}

public sealed class ListenAddressLinkTests(ListenAddressFactory factory)
    : HostHeaderLinkTests(factory, "http://localhost"), IClassFixture<ListenAddressFactory>;

public sealed class PublicAddressStartupTests
{
    [Fact]
    public async Task Production_refuses_to_start_without_a_public_address()
    {
        var folder = Directory.CreateTempSubdirectory("community-noaddress-").FullName;
        try
        {
            var exit = await ServerProcess.RunUntilExitAsync(folder,
                ["--urls", "http://127.0.0.1:0", "--Demo:Seed=false", $"--AppRoot={folder}", "--Publishing:WarmOnStart=false"],
                new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Site__PublicBaseUrl"] = "" });
            Assert.True(exit is not null, "The server started without Site:PublicBaseUrl in Production.");
            Assert.Equal(2, exit.Code);
            Assert.Contains("Site:PublicBaseUrl is required", exit.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", exit.Stderr, StringComparison.Ordinal); // a message, not a stack trace
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
