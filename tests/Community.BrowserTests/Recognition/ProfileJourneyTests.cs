using System.Text.Json;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.Recognition;

/// <summary>Badges as members see them: earned live (the bell), listed on the profile with when, and a badge an admin named with HTML
/// shown as the characters typed, on the admin page and the profile.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProfileJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_member_is_told_live_of_a_badge_earned_and_finds_it_on_their_profile()
    {
        var (page, me) = await browser.SignedInAsync("Bea Badge");
        var (admin, _, threadUrl, _) = await browser.CategoryWithThreadAsync("Where Bea says hello", "Welcome, everyone");
        admin.Dispose();
        await Assertions.Expect(page.Locator("#notification-bell")).ToBeVisibleAsync();

        // Bea replies from another tab (the API, as that tab's page would): this page's bell is told when the badge is granted.
        using (var tab = browser.Server.CreateHttpApiClient())
        {
            await tab.SignInAsync(me.Email);
            var threadId = long.Parse(threadUrl.Split('/')[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(HttpStatusCode.Created, (await tab.PostAsync($"/api/threads/{threadId}/posts", new { body = "Hello from Bea" })).StatusCode);
        }
        await Assertions.Expect(page.Locator("#notification-bell .bell-count")).ToHaveTextAsync("1");
        await page.Locator("#notification-bell").ClickAsync();
        var note = page.Locator("#notification-panel").GetByRole(AriaRole.Link, new() { Name = "You earned the badge “First post”" });
        await note.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/u/{me.UserName}$"));

        var badges = page.Locator("#profile-badges");
        await Assertions.Expect(badges.Locator("[data-badge-key=\"first-post\"]")).ToContainTextAsync("First post");
        await Assertions.Expect(badges.Locator("[data-badge-key=\"first-post\"]")).ToContainTextAsync("Earned");
        await Assertions.Expect(page.Locator("#profile-stats")).ToContainTextAsync("Trust level");
        await Assertions.Expect(page.Locator("#profile-posts")).ToContainTextAsync("Where Bea says hello");

        // She shows it as her title.
        await page.GetByLabel("Title shown next to your name").SelectOptionAsync(new SelectOptionValue { Label = "First post" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save title" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("member-title")).ToHaveTextAsync("First post");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("profile-badges-desktop");
    }

    [Fact]
    public async Task A_badge_named_with_html_shows_as_text_on_the_admin_page_and_the_profile_at_phone_width()
    {
        const string name = "<img src=x onerror=alert(1)><b>Bold</b>";
        string member;
        using (var api = browser.Server.CreateHttpApiClient())
        {
            member = (await api.JoinAsync("Hugo Html")).UserName;
        }
        var (staff, _) = await browser.SignedInAsync("Badge Admin", 1280, 900, "Admin");
        await staff.GotoAsync("/admin/badges");
        await staff.GetByLabel("Badge name").FillAsync(name);
        await staff.GetByLabel("Description (optional)").FillAsync("For <i>bold</i> moves");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Create badge" }).ClickAsync();
        await Assertions.Expect(staff.Locator("#badge-form .form-status")).ToContainTextAsync("created");
        await staff.GetByLabel("Member's username").FillAsync(member);
        await staff.GetByLabel("Reason").FillAsync("Wrote a very bold guide");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Grant badge" }).ClickAsync();
        await Assertions.Expect(staff.Locator("#grant-form .form-status")).ToContainTextAsync("Granted to Hugo Html");
        var row = staff.Locator("#badge-rows tr", new() { HasText = "Bold</b>" });
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync(name);
        Assert.Equal(0, await staff.Locator("#badge-rows img, #badge-rows b").CountAsync());
        await staff.GetByRole(AriaRole.Button, new() { Name = "Grant badge" }).ClickAsync();
        await Assertions.Expect(staff.Locator("#grant-form .form-status")).ToContainTextAsync("already holds");
        await staff.AssertAccessibleAsync();
        await staff.ScreenshotAsync("admin-badges");

        var phone = await browser.NewPersonAsync(375, 800);
        await phone.GotoAsync($"/u/{member}");
        var earned = phone.Locator("#profile-badges .badge");
        await Assertions.Expect(earned).ToHaveTextAsync(name);
        Assert.Equal(0, await phone.Locator("#profile-badges img, #profile-badges b, #profile-badges i").CountAsync());
        await Assertions.Expect(phone.Locator("#profile-stats")).ToContainTextAsync("Days visited");
        await Assertions.Expect(phone.Locator("#profile-stats")).Not.ToContainTextAsync("Trust level"); // a visitor is not told
        Assert.Empty(await phone.LayoutProblemsAsync());
        await phone.AssertAccessibleAsync();
        await phone.ScreenshotAsync("profile-phone");
    }
}
