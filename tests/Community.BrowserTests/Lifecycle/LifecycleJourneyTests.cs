using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;

namespace Community.BrowserTests.Lifecycle;

/// <summary>Staff open a member's timeline from the Staff menu; an advocate sees their tier and the way to the next one.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LifecycleJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Staff_open_a_members_timeline_from_the_staff_menu_and_follow_its_links()
    {
        var (author, _, threadUrl, _) = await browser.CategoryWithThreadAsync("Where is the export button?", "I cannot find it.");
        var handle = author.Current!.UserName;
        var (page, _) = await browser.SignedInAsync("Timeline Moderator", roles: "Moderator");
        await page.GotoAsync("/forums");
        await page.GetByRole(AriaRole.Button, new() { Name = "Staff" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Member timelines" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/members$"));

        await page.GetByLabel("Member's handle").FillAsync(handle);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show timeline" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/admin/members/{handle}$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Arranging Admin" })).ToBeVisibleAsync();
        var entries = page.Locator("#timeline-entries");
        var firstPost = entries.GetByRole(AriaRole.Link, new() { Name = "First post: Where is the export button?" });
        await Assertions.Expect(firstPost).ToHaveAttributeAsync("href", threadUrl + "#p1");
        await Assertions.Expect(entries.GetByText("Signed up with email")).ToBeVisibleAsync();
        // The stage appears once the activity listener has run (a moment after the post): reload until it has.
        var stage = page.Locator("#member-stage");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await stage.TextContentAsync() ?? "").Contains("Onboarding", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#member-summary")).ToBeVisibleAsync();
        }
        await Assertions.Expect(stage).ToContainTextAsync("Onboarding");
        // "Joined → Onboarding", or straight to "Onboarding" when the sign-up and the first post reached the listener together.
        await Assertions.Expect(entries.GetByText(new Regex("^Stage: (Joined → )?Onboarding$"))).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("member-timeline");

        await firstPost.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Where is the export button?");

        var (phone, _) = await browser.SignedInAsync("Timeline Marketer", 375, 800, "Marketing");
        await phone.GotoAsync($"/admin/members/{handle}");
        await Assertions.Expect(phone.Locator("#timeline-entries li").First).ToBeVisibleAsync();
        Assert.Empty(await phone.LayoutProblemsAsync());
    }

    [Fact]
    public async Task An_advocate_sees_their_tier_and_the_progress_to_the_next_one()
    {
        var (page, _) = await browser.SignedInAsync("Tier Seeker", 375, 800);
        await page.GotoAsync("/refer");
        var card = page.Locator("#tier-card");
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator("#tier-name")).ToHaveTextAsync("No tier yet");
        await Assertions.Expect(card.Locator("#tier-next")).ToContainTextAsync(new Regex("more to reach Bronze"));
        await Assertions.Expect(card.GetByRole(AriaRole.Progressbar, new() { Name = "Progress to the next tier" })).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator("#tier-list li")).ToHaveCountAsync(3);
        await page.AssertAccessibleAsync();
        Assert.Empty(await page.LayoutProblemsAsync());
        await page.ScreenshotAsync("advocate-tier-375");
    }
}
