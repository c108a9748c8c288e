using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.Notifications;

/// <summary>A member finds the email settings from their menu, changes a topic's delivery, and finds it saved after a reload, with
/// the time zone taken from their browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NotificationSettingsJourneyTests(BrowserFixture browser)
{
    private static async Task InTokyoAsync(IPage page)
    {
        var devtools = await page.Context.NewCDPSessionAsync(page);
        await devtools.SendAsync("Emulation.setTimezoneOverride", new Dictionary<string, object> { ["timezoneId"] = "Asia/Tokyo" });
    }

    [Fact]
    public async Task A_member_changes_how_watched_threads_reach_them_and_the_choice_is_kept()
    {
        var (page, _) = await browser.SignedInAsync("Nora Notify");
        await InTokyoAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Email notifications: choose what we send and when" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/settings/notifications$"));

        var watched = page.GetByLabel("New replies in threads you watch");
        await Assertions.Expect(watched).ToHaveValueAsync("daily");
        await Assertions.Expect(page.GetByLabel("Replies to your threads, mentions and accepted answers")).ToHaveValueAsync("immediately");
        await Assertions.Expect(page.GetByLabel("Your time zone")).ToHaveValueAsync("Asia/Tokyo");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("notification-settings-desktop");

        await watched.SelectOptionAsync(new SelectOptionValue { Label = "Weekly digest" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save email settings" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your email settings are saved.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Saved: Asia/Tokyo.")).ToBeVisibleAsync();

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("New replies in threads you watch")).ToHaveValueAsync("weekly");
        await Assertions.Expect(page.GetByText("Saved: Asia/Tokyo.")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task The_settings_page_fits_a_phone_and_shows_a_bad_time_zone_next_to_its_field()
    {
        var (page, _) = await browser.SignedInAsync("Pia Phone", width: 375, height: 800);
        await page.GotoAsync("/settings/notifications");
        await Assertions.Expect(page.GetByLabel("New replies in threads you watch")).ToHaveValueAsync("daily");
        Assert.Empty(await page.LayoutProblemsAsync());
        await page.ScreenshotAsync("notification-settings-phone");

        await page.GetByLabel("Your time zone").FillAsync("Atlantis/Capital");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save email settings" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Use a time zone from the IANA list")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Your time zone")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task The_unsubscribe_link_in_an_email_asks_first_and_then_turns_the_topic_off()
    {
        var (_, me) = await browser.SignedInAsync("Ulla Unsub");
        using (var member = browser.Server.CreateHttpApiClient())
        {
            await member.SignInAsync(me.Email);
            var (admin, _, threadUrl, _) = await browser.CategoryWithThreadAsync("Unsubscribe journey", "Body");
            var threadId = long.Parse(threadUrl.Split('/')[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync($"/api/threads/{threadId}/posts",
                new { body = $"Hello @{me.UserName}" })).StatusCode);
            admin.Dispose();
        }
        var mail = await new Mailbox(browser.Server.MailFolder).WaitForAsync(me.Email, "mentioned you");
        var link = Regex.Match(mail, @"(?m)^Unsubscribe: (\S+)").Groups[1].Value;

        var page = await browser.NewPersonAsync(375, 800); // opened from a phone's mail app, not signed in
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Unsubscribe" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        Assert.Empty(await page.LayoutProblemsAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are unsubscribed" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("unsubscribe-done-phone");
    }
}
