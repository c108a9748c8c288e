using System.Net;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Referrals.Embed;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Community.BrowserTests.Referrals;

/// <summary>
/// The product's page (another loopback origin) embeds the referral panel with the one-line script, and it renders and sizes
/// itself; the same embed on a third origin is refused by the browser because of frame-ancestors.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EmbedFramingTests(BrowserFixture browser) : IAsyncLifetime, IDisposable
{
    private WebApplication _product = null!;
    private WebApplication _stranger = null!;
    private EmbedServer _community = null!;
    private string _page = "";

    public async Task InitializeAsync()
    {
        _product = await HostAsync();
        _stranger = await HostAsync();
        _community = new EmbedServer(Address(_product));
    }

    private async Task<WebApplication> HostAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(_page, "text/html"));
        await app.StartAsync();
        return app;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    private async Task<string> TokenAsync()
    {
        using var api = _community.CreateHttpApiClient();
        var me = await api.JoinAsync("Framed Fay");
        await EmbedKit.SetExternalIdAsync(_community, me.Id, "usr_" + me.Id[..8]);
        return EmbedKit.Mint("usr_" + me.Id[..8], _community.Clock.GetUtcNow(), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task The_product_origin_embeds_the_panel_and_a_third_origin_is_refused()
    {
        var token = await TokenAsync();
        _page = $"""
            <!doctype html><html lang="en"><head><title>Acme app</title></head>
            <body><h1>Acme</h1><script src="{_community.BaseUrl}/embed/refer.js" data-token="{token}" data-theme="dark"></script></body></html>
            """;
        var page = await browser.NewPersonAsync();
        await page.GotoAsync(Address(_product) + "/");
        var panel = page.FrameLocator("iframe");
        await Assertions.Expect(panel.Locator("#link")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/r/[A-Za-z0-9]+$"));
        await Assertions.Expect(panel.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Refer a friend, earn credits");
        await Assertions.Expect(panel.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        // refer.js sizes the frame from the panel's postMessage, so it leaves the 420px it starts with.
        await Assertions.Expect(page.Locator("iframe")).Not.ToHaveAttributeAsync("style", new System.Text.RegularExpressions.Regex("height: 420px"));

        var stranger = await browser.NewPersonAsync();
        var refused = stranger.WaitForConsoleMessageAsync(new() { Predicate = m => m.Text.Contains("frame-ancestors", StringComparison.Ordinal) });
        await stranger.GotoAsync(Address(_stranger) + "/");
        await refused;
        Assert.Equal(0, await stranger.FrameLocator("iframe").Locator("#link").CountAsync());
    }

    public async Task DisposeAsync()
    {
        await _product.DisposeAsync();
        await _stranger.DisposeAsync();
    }

    public void Dispose() => _community.Dispose();

    /// <summary>A second live Community with the embed on, allowing only the product page's origin.</summary>
    private sealed class EmbedServer(string productOrigin) : LiveServer
    {
        private readonly string _origin = productOrigin;

        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Embed:Secret"] = EmbedFactory.Secret,
            ["Embed:AllowedOrigins"] = _origin,
        };
    }
}
