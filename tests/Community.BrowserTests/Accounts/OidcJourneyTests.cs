using Community.BrowserTests.Infrastructure;
using Community.Tests.Accounts.Sso;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.Accounts;

/// <summary>A real OpenID Provider (tests/oidc-provider) and a Community that signs in with it, on ports known to each other.</summary>
public sealed class OidcSite : IAsyncLifetime
{
    public OidcProvider Provider { get; private set; } = null!;
    public Server Site { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = OidcProvider.FreePort();
        Provider = await OidcProvider.StartAsync($"http://127.0.0.1:{port}/auth/oidc/callback");
        Site = new Server(port, Provider.Settings());
    }

    public async Task DisposeAsync()
    {
        await Site.DisposeAsync();
        await Provider.DisposeAsync();
    }

    /// <summary>The app on a real socket at a port chosen before it starts, because the provider must know its redirect URI.</summary>
    public sealed class Server : CommunityFactory
    {
        private readonly IDictionary<string, string?> _settings;

        public Server(int port, IDictionary<string, string?> settings)
        {
            _settings = settings;
            UseKestrel(k => k.Listen(IPAddress.Loopback, port));
            StartServer();
            BaseUrl = $"http://127.0.0.1:{port}";
        }

        public string BaseUrl { get; }

        protected override IDictionary<string, string?> Settings() => _settings;
    }
}

/// <summary>Issue #11 in Chromium: "Continue with Acme", sign in on the provider's own page, back where you were with your plan.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OidcJourneyTests(BrowserFixture browser, OidcSite oidc) : IClassFixture<OidcSite>
{
    [Fact]
    public async Task A_customer_continues_with_Acme_signs_in_at_Acme_and_comes_back_signed_in_with_their_plan_then_signs_out()
    {
        var page = await browser.NewPersonAsync(baseUrl: oidc.Site.BaseUrl);
        await page.GotoAsync("/forums");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).ClickAsync();
        var button = page.GetByRole(AriaRole.Link, new() { Name = "Continue with Acme" });
        await Assertions.Expect(button).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Password")).ToBeVisibleAsync(); // local passwords stay on by default
        await page.ScreenshotAsync("oidc-signin-1280");
        await page.AssertAccessibleAsync();
        await button.ClickAsync();

        // The provider's own login page, on its own origin.
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(oidc.Provider.Issuer) + "/interaction/"));
        await page.GetByLabel("Email").FillAsync("alice@acme.test");
        await page.GetByLabel("Password").FillAsync("alice-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in to Acme" }).ClickAsync();

        await page.WaitForURLAsync(oidc.Site.BaseUrl + "/forums");
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync("Alice Acme");
        await page.GotoAsync("/settings");
        var account = page.Locator("#product-account");
        await Assertions.Expect(account.Locator("[data-fact=Plan]")).ToHaveTextAsync("Enterprise");
        await Assertions.Expect(account.Locator("[data-fact=Account]")).ToHaveTextAsync("Acme Corp");
        await Assertions.Expect(account.Locator("[data-fact=region]")).ToHaveTextAsync("EU");
        await page.ScreenshotAsync("oidc-settings-plan-1280");

        await page.Locator("#sign-out").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })
            .GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        var me = await page.APIRequest.GetAsync("/api/me");
        Assert.Equal(204, me.Status);
        await page.Context.CloseAsync();
    }
}
