using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Tests.Security;

namespace Community.BrowserTests.Accounts;

/// <summary>Issue #9, item 1, in Chromium: browsers drop tabs and newlines in URLs, so the check must hold where they do.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OpenRedirectJourneyTests(BrowserFixture browser)
{
    public static TheoryData<string> Attacks => new() { "/%09/evil.example/", "/%0a/evil.example/", "/%0d/evil.example/", "/%09%09/evil.example/", "//evil.example/" };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Sign_in_page_never_navigates_off_site_whatever_the_return_url(string returnUrl)
    {
        using var api = browser.Server.CreateHttpApiClient();
        var email = $"redirect.{Guid.NewGuid():N}@example.com";
        await api.JoinAsync("Redirect Target", email);

        var page = await browser.NewPersonAsync();
        var offsite = new List<string>();
        await page.Context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith(browser.Server.BaseUrl + "/", StringComparison.Ordinal)) { await route.ContinueAsync(); return; }
            offsite.Add(route.Request.Url);
            await route.AbortAsync();
        });

        await page.GotoAsync("/signin?returnUrl=" + returnUrl);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync("Redirect Target");

        Assert.Equal(browser.Server.BaseUrl + "/", page.Url);
        Assert.Empty(offsite);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sign_in_page_follows_a_local_return_url()
    {
        using var api = browser.Server.CreateHttpApiClient();
        var email = $"local.{Guid.NewGuid():N}@example.com";
        await api.JoinAsync("Local Return", email);
        var page = await browser.NewPersonAsync();
        await page.GotoAsync("/signin?returnUrl=%2Fforums");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(browser.Server.BaseUrl + "/forums");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Browser_return_url_check_agrees_with_the_server_on_every_encoding()
    {
        var page = await browser.NewPersonAsync();
        await page.GotoAsync("/signin");
        var offsite = ReturnUrlAttacks.Offsite.Select(Uri.UnescapeDataString).ToArray();
        var local = ReturnUrlAttacks.Local.Select(Uri.UnescapeDataString).ToArray();
        const string check = "async (values) => { const m = await import('/js/local-url.js'); return values.map((v) => m.isLocalUrl(v)); }";
        Assert.All(await page.EvaluateAsync<bool[]>(check, offsite), (accepted, i) => Assert.False(accepted, $"accepted {offsite[i]}"));
        Assert.All(await page.EvaluateAsync<bool[]>(check, local), (accepted, i) => Assert.True(accepted, $"refused {local[i]}"));
        await page.Context.CloseAsync();
    }
}
