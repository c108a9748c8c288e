using Community.BrowserTests.Infrastructure;

namespace Community.BrowserTests.Layout;

/// <summary>A 360 px phone: nothing scrolls sideways, every control is on screen, and the header stays one short row.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneLayoutTests(BrowserFixture browser)
{
    private static async Task AssertFitsAsync(IPage page, string where)
    {
        var problems = await page.LayoutProblemsAsync();
        Assert.True(problems.Length == 0, $"{where} at 360 px:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task At_360px_home_thread_refer_notifications_and_story_editor_fit_the_screen()
    {
        var body = "Here is my config:\n\n```\n" + string.Join(" ", Enumerable.Repeat("--very-long-option=value", 12)) + "\n```\n\nWhat is wrong?";
        var (admin, _, threadUrl, _) = await browser.CategoryWithThreadAsync("Config with a long line", body);
        admin.Dispose();
        var (page, _) = await browser.SignedInAsync("Pia Phone", 360, 740, "Marketing");

        await page.GotoAsync("/");
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        await Assertions.Expect(toggle).ToBeVisibleAsync();
        await Assertions.Expect(page.MainNavLink("Forums")).ToBeHiddenAsync();
        var header = await page.Locator(".site-header").BoundingBoxAsync();
        Assert.True(header!.Height <= 80, $"the sticky header is {header.Height}px tall on a phone");
        await AssertFitsAsync(page, "home");
        await page.ScreenshotAsync("phone-360-home");

        // The menu opens and closes from the keyboard, and what it reveals fits too.
        await toggle.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(page.MainNavLink("Forums")).ToBeVisibleAsync();
        await AssertFitsAsync(page, "home with the menu open");
        await page.ScreenshotAsync("phone-360-menu-open");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(toggle).ToBeFocusedAsync();

        await page.GotoAsync(threadUrl);
        await Assertions.Expect(page.Locator(".post-body pre").First).ToBeVisibleAsync();
        // The thread script re-renders the posts after load: wait until the rendered code block scrolls inside itself.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.post-body pre')].some(n => n.clientWidth > 0 && n.scrollWidth > n.clientWidth)");
        await AssertFitsAsync(page, "a thread with a code block");
        await page.ScreenshotAsync("phone-360-thread-code");

        await page.GotoAsync("/refer");
        await Assertions.Expect(page.Locator("#referral-link")).Not.ToHaveValueAsync("");
        await AssertFitsAsync(page, "the advocate page");
        await page.ScreenshotAsync("phone-360-refer");

        var bell = page.Locator("#notification-bell");
        await bell.ClickAsync();
        var panel = page.Locator("#notification-panel");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        var box = await panel.BoundingBoxAsync();
        Assert.True(box!.X >= 0 && box.X + box.Width <= 360, $"the notifications panel spans {box.X}..{box.X + box.Width}px");
        await AssertFitsAsync(page, "the notifications panel");
        await page.ScreenshotAsync("phone-360-notifications");

        await page.GotoAsync("/publishing/new?kind=spotlight");
        await Assertions.Expect(page.GetByLabel("Title")).ToBeVisibleAsync();
        await AssertFitsAsync(page, "the story editor");
        await page.ScreenshotAsync("phone-360-editor");
    }
}
