using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.Accounts;

[Collection(BrowserCollection.Name)]
public sealed partial class SignUpJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_visitor_signs_up_confirms_by_mail_signs_in_edits_the_profile_and_signs_out()
    {
        var page = await browser.NewPersonAsync();
        var email = $"nina.{Guid.NewGuid():N}@example.com";

        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("customers help each other");
        await page.ScreenshotAsync("home");
        await page.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Join the community" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/signup$"));
        await page.AssertAccessibleAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Display name").FillAsync("Nina Brandt");
        await page.GetByLabel("Password").FillAsync("a long and private passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your inbox" })).ToBeVisibleAsync();

        // The confirmation mail lands in the outbox folder as an .eml file; open its link like a person would.
        var mail = await new Mailbox(browser.Server.MailFolder).WaitForAsync(email, "Confirm your email");
        var link = Mailbox.LinkIn(mail, "/confirm-email");
        Assert.StartsWith(browser.Server.BaseUrl, link.ToString(), StringComparison.Ordinal);
        await page.GotoAsync(link.ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Email confirmed");

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("a long and private passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync("Nina Brandt");

        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await page.GetByLabel("Display name").FillAsync("Nina B.");
        await page.GetByLabel("Bio").FillAsync("Customer success at Fabrikam. I answer billing questions.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your profile is saved.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync("Nina B.");
        await page.AssertAccessibleAsync();

        // A profile picture: the upload is cropped square and shows in the header.
        await page.GetByLabel("Choose an image").SetInputFilesAsync(new FilePayload
        {
            Name = "me.png", MimeType = "image/png", Buffer = Community.Tests.Publishing.StoryImages.Png(600, 400),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload picture" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your picture is updated.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("me").Locator("img")).ToHaveAttributeAsync("src", new Regex("^/media/"));

        await page.GetByTestId("me").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nina B.");
        await Assertions.Expect(page.GetByText("I answer billing questions.")).ToBeVisibleAsync();
        await page.ScreenshotAsync("profile");
        await page.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        var me = await page.APIRequest.GetAsync("/api/me");
        Assert.Equal(204, me.Status);
    }

    [Fact]
    public async Task Wrong_password_shows_the_error_next_to_the_form_and_the_page_works_at_360px()
    {
        var page = await browser.NewPersonAsync(360, 740);
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync("nobody@example.com");
        await page.GetByLabel("Password").FillAsync("wrong password here");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("email or password is incorrect");
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth");
        Assert.False(overflow, "the sign-in page scrolls sideways at 360 px");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Registration_shows_every_field_error_at_once_beside_its_field_and_clears_each_as_it_is_fixed()
    {
        var page = await browser.NewPersonAsync();
        await page.GotoAsync("/signup");
        await page.GetByLabel("Email").FillAsync("not-an-email");
        await page.GetByLabel("Display name").FillAsync("X");
        await page.GetByLabel("Password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-error-for=email]")).ToContainTextAsync("valid email");
        await Assertions.Expect(page.GetByLabel("Email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("[data-error-for=displayName]")).ToContainTextAsync("at least 2");
        // The password's rules come with the other errors, not after the email and name are fixed.
        await Assertions.Expect(page.Locator("[data-error-for=password]")).Not.ToBeEmptyAsync();
        await page.ScreenshotAsync("signup-all-errors");

        await page.GetByLabel("Email").FillAsync("fixed@example.com");
        await Assertions.Expect(page.GetByLabel("Email")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("[data-error-for=email]")).ToBeEmptyAsync();
        await Assertions.Expect(page.GetByLabel("Password")).ToHaveAttributeAsync("aria-invalid", "true");
    }

    [Fact]
    public async Task Pages_load_without_console_errors_or_csp_violations()
    {
        browser.ConsoleErrors.Clear();
        var page = await browser.NewPersonAsync();
        foreach (var path in new[] { "/", "/signup", "/signin", "/forgot-password" })
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        Assert.DoesNotContain(browser.ConsoleErrors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));
    }
}
