using Community.BrowserTests.Infrastructure;

namespace Community.BrowserTests.Integrations;

/// <summary>An admin adds a webhook endpoint at /admin/integrations, copies its secret (shown once), sends a test event and reads the
/// delivery log.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebhookAdminTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_admin_adds_an_endpoint_sees_the_secret_once_and_sends_a_test_event()
    {
        var (page, _) = await browser.SignedInAsync("Ivy Integrator", roles: "Admin");
        await page.GotoAsync("/admin/integrations");
        await Assertions.Expect(page.Locator("#integrations-admin[aria-busy=false]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#billing-events")).ToHaveCountAsync(1); // the billing module's place

        // A private target (and plain http) is refused next to the field.
        await page.GetByLabel("Endpoint URL").FillAsync("http://127.0.0.1/hooks");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-error-for=url]")).ToContainTextAsync("https");
        await Assertions.Expect(page.GetByLabel("Endpoint URL")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.GetByLabel("Endpoint URL").FillAsync("https://203.0.113.10/hooks");
        await page.GetByLabel("Description").FillAsync("CRM");
        await page.GetByLabel("flag.created").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("webhook-secret")).ToContainTextAsync("whsec_");
        var row = page.Locator("#webhook-endpoints tr", new() { HasText = "https://203.0.113.10/hooks" });
        // Every one of the 13 types (member.stage_changed is the latest) but flag.created.
        await Assertions.Expect(row).ToContainTextAsync("12 event types");
        await page.AssertAccessibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Send test event" }).ClickAsync();
        await Assertions.Expect(page.Locator("#webhook-delivery-rows")).ToContainTextAsync("webhook.test");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Redeliver" })).ToHaveCountAsync(1);

        // The secret was shown once: after a reload it is gone.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#integrations-admin[aria-busy=false]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("webhook-secret")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#webhook-endpoints")).ToContainTextAsync("https://203.0.113.10/hooks");
    }
}
