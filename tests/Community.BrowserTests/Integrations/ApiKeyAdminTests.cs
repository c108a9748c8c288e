using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.Integrations;

[Collection(BrowserCollection.Name)]
public sealed class ApiKeyAdminTests(BrowserFixture browser)
{
    private LiveServer Server => browser.Server;

    [Fact]
    public async Task An_admin_creates_a_key_with_chosen_scopes_sees_the_secret_once_and_the_scopes_in_the_list()
    {
        using var admin = Server.CreateHttpApiClient();
        var me = await admin.JoinAsync("Kim Keys");
        await Server.GrantRolesAsync(me.Id, "Admin");
        var page = await browser.NewPersonAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(me.Email);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync("Kim Keys");

        await page.GotoAsync("/admin/referrals");
        await page.GetByLabel("Integration name").FillAsync("CRM sync");
        await page.GetByLabel("events:write").UncheckAsync();
        await page.GetByLabel("members:read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("new-secret")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^rs_"));
        var row = page.Locator("#keys li", new() { HasText = "CRM sync" });
        await Assertions.Expect(row).ToContainTextAsync("members:read");
        await Assertions.Expect(row).Not.ToContainTextAsync("events:write");
        await Assertions.Expect(row).ToContainTextAsync("never used");
        await page.AssertAccessibleAsync();

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#keys li", new() { HasText = "CRM sync" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("new-secret")).ToHaveCountAsync(0); // shown once
    }
}
