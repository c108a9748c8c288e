using System.Text.Json;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.Layout;

/// <summary>The first things a visitor, a new member and a marketer see: no false errors, clear messages, controls that do what they show.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstVisitTests(BrowserFixture browser)
{
    [Fact]
    public async Task Anonymous_home_forums_and_story_pages_log_no_console_errors()
    {
        var page = await browser.NewPersonAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add($"{page.Url}: {m.Text}"); };
        page.PageError += (_, e) => errors.Add($"{page.Url}: {e}");
        foreach (var path in new[] { "/", "/forums", "/spotlights" })
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        await page.Locator(".story-card h3 a").First.ClickAsync();
        await Assertions.Expect(page.Locator("article.story h1")).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task Unknown_address_shows_a_styled_page_not_found_with_the_site_navigation()
    {
        var page = await browser.NewPersonAsync();
        var response = await page.GotoAsync("/this/does/not/exist");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page not found");
        await Assertions.Expect(page.MainNavLink("Forums")).ToBeVisibleAsync();
        await page.ScreenshotAsync("not-found-1280");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task A_broken_confirmation_link_says_so_and_offers_a_new_link()
    {
        var page = await browser.NewPersonAsync(360, 740);
        await page.GotoAsync("/confirm-email");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This link is invalid or has expired");
        await Assertions.Expect(page.GetByText("Some fields need attention")).ToHaveCountAsync(0);

        await page.GotoAsync("/confirm-email?userId=someone&token=altered");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This link is invalid or has expired");
        await page.GetByLabel("Email").FillAsync($"{Guid.NewGuid():N}@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send a new link" }).ClickAsync();
        await Assertions.Expect(page.Locator("#resend-form .form-status")).ToContainTextAsync("If that address has an unconfirmed account");
        await page.ScreenshotAsync("confirm-email-invalid-360");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Story_editor_preview_sits_beside_the_form_has_no_year_one_and_fixed_fields_turn_back()
    {
        var (page, _) = await browser.SignedInAsync("Wide Marketer", roles: "Marketing");
        await page.GotoAsync("/publishing/new?kind=spotlight");
        await page.GetByLabel("Story (Markdown)").FillAsync("We **love** it.");
        var preview = page.Locator("#live-preview");
        await Assertions.Expect(preview).ToContainTextAsync("love");
        await Assertions.Expect(preview).Not.ToContainTextAsync("0001");
        await Assertions.Expect(preview).ToContainTextAsync("Not published yet");

        var form = await page.Locator("#story-form").BoundingBoxAsync();
        var pane = await page.Locator(".preview-pane").BoundingBoxAsync();
        Assert.True(pane!.X >= form!.X + form.Width - 1, $"the preview (x={pane.X}) should sit right of the form (ends at {form.X + form.Width})");
        Assert.True(pane.Y < 900, $"the preview starts at y={pane.Y}, below the first screen");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        var title = page.GetByLabel("Title");
        await Assertions.Expect(title).ToHaveAttributeAsync("aria-invalid", "true");
        await page.ScreenshotAsync("editor-1280-errors");
        await title.FillAsync("Acme answers in minutes");
        await Assertions.Expect(title).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("[data-error-for=title]")).ToBeEmptyAsync();
        await page.ScreenshotAsync("editor-1280");
    }

    [Fact]
    public async Task Show_more_threads_appears_only_when_there_are_more()
    {
        var (admin, slug, _, _) = await browser.CategoryWithThreadAsync("The only thread here", "Just one.");
        admin.Dispose();
        var page = await browser.NewPersonAsync();
        await page.GotoAsync($"/c/{slug}");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "The only thread here" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Show more threads" })).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Referral_admin_pluralises_counts_and_says_which_dates_the_funnel_covers()
    {
        using var advocate = browser.Server.CreateHttpApiClient();
        await advocate.JoinAsync("Singular Advocate");
        var code = (await ApiClient.ReadAsync<JsonElement>(await advocate.GetAsync("/api/referrals/me"))).GetProperty("code").GetString();
        using var friend = browser.Server.CreateHttpApiClient();
        var email = $"{Guid.NewGuid():N}@example.com";
        await ApiClient.ReadAsync<JsonElement>(await friend.PostAsync("/api/account/register",
            new { email, displayName = "Singular Friend", password = ApiClient.DefaultPassword, referralCode = code }), HttpStatusCode.Accepted);
        await friend.ConfirmFromMailAsync(email);

        var (page, _) = await browser.SignedInAsync("Plural Marketer", roles: "Marketing");
        await page.GotoAsync("/admin/referrals");
        var row = page.Locator("#top li", new() { HasText = "Singular Advocate" });
        await Assertions.Expect(row).ToContainTextAsync("1 sign-up ·");
        await Assertions.Expect(row).ToContainTextAsync("0 customers");
        await Assertions.Expect(page.Locator("#funnel-range")).ToHaveTextAsync("No dates chosen: showing the last 30 days.");
        await page.ScreenshotAsync("admin-referrals-1280");
    }
}
