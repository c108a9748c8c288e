using System.Text.Json;
using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.Layout;

/// <summary>Staff find every tool their role may use from the header, by mouse or keyboard, and each link works for them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffMenuTests(BrowserFixture browser)
{
    public static TheoryData<string, string[]> RolesAndTools => new()
    {
        { "Marketing", ["Publishing", "Knowledge base", "Referral program", "Insights", "Member timelines"] },
        { "Moderator", ["Knowledge base", "Moderation", "Insights", "Member timelines"] },
        { "Admin", ["Publishing", "Knowledge base", "Moderation", "Referral program", "Insights", "Members", "Member timelines", "Badges",
            "Sign-in", "Categories",
            "Integrations"] },
    };

    /// <summary>What proves each tool's page works for the person (not a "sign in" or "moderators only" page).</summary>
    private static readonly Dictionary<string, string> Proof = new(StringComparer.Ordinal)
    {
        ["Publishing"] = "#stories a",
        ["Knowledge base"] = "#kb-articles[aria-busy=false]",
        ["Moderation"] = "#flags:not([aria-busy])",
        ["Referral program"] = "main:has(#referral-admin[aria-busy=false]):has(#referral-admin-status:empty)",
        ["Members"] = "#members tr",
        ["Member timelines"] = "#member-find",
        ["Sign-in"] = "main:has(#sign-in-admin[aria-busy=false]):has(#sign-in-admin-status:empty) #providers tr",
        ["Categories"] = "#category-admin:not([hidden])",
        ["Integrations"] = "main:has(#integrations-admin[aria-busy=false]):has(#integrations-status:empty)",
        ["Insights"] = "#insights-charts[aria-busy=false] [data-insight]",
        ["Badges"] = "#badges-admin:not([aria-busy]) #badge-rows tr",
    };

    [Theory]
    [MemberData(nameof(RolesAndTools))]
    public async Task Each_role_reaches_exactly_its_tools_from_a_keyboard_operable_staff_menu(string role, string[] tools)
    {
        var (page, _) = await browser.SignedInAsync($"Staff {role}", roles: role);
        await page.GotoAsync("/forums");
        var button = page.Locator("#staff-menu-button");
        await Assertions.Expect(button).ToBeVisibleAsync();

        // Reach the menu with Tab alone, open it with Enter, move into it, and close it with Escape.
        await page.Locator("body").FocusAsync();
        for (var i = 0; i < 40 && !await button.EvaluateAsync<bool>("b => b === document.activeElement"); i++) await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(button).ToBeFocusedAsync();
        await Assertions.Expect(button).ToHaveAttributeAsync("aria-expanded", "false");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(button).ToHaveAttributeAsync("aria-expanded", "true");
        var menu = page.Locator("#staff-menu");
        await Assertions.Expect(menu).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(menu.Locator("a").First).ToBeFocusedAsync();
        if (role == "Admin") await page.ScreenshotAsync("staff-menu-1280");
        await page.AssertAccessibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(menu).ToBeHiddenAsync();
        await Assertions.Expect(button).ToBeFocusedAsync();

        var links = await menu.Locator("a").EvaluateAllAsync<string[][]>("ns => ns.map(n => [n.dataset.staffTool, n.getAttribute('href')])");
        Assert.Equal(tools, links.Select(l => l[0]));
        foreach (var link in links)
        {
            var response = await page.GotoAsync(link[1]);
            Assert.Equal(200, response!.Status);
            await Assertions.Expect(page.Locator(Proof[link[0]]).First).ToBeAttachedAsync(new() { Timeout = 15_000 });
            Assert.DoesNotContain("/signin", page.Url, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Members_get_no_staff_menu()
    {
        var (page, _) = await browser.SignedInAsync("Plain Member");
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("me")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#sign-out")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#staff-menu-button")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Moderators_see_the_open_flag_count_on_the_menu()
    {
        var (admin, _, _, postId) = await browser.CategoryWithThreadAsync("Please flag me", "Spammy text");
        using var api = admin;
        await ApiClient.ReadAsync<JsonElement>(await api.PostAsync($"/api/posts/{postId}/flags", new { reason = "Spam" }), HttpStatusCode.Created);
        var open = (await ApiClient.ReadAsync<JsonElement>(await api.GetAsync("/api/mod/flags/open-count"))).GetProperty("open").GetInt32();
        var label = $"{open} open flag{(open == 1 ? "" : "s")}";

        var (page, _) = await browser.SignedInAsync("Menu Moderator", roles: "Moderator");
        var button = page.Locator("#staff-menu-button");
        await Assertions.Expect(button).ToHaveAccessibleNameAsync(new Regex($@"^Staff\s*{label}$"));
        await page.AssertAccessibleAsync(); // the count is part of the name the button shows, not a different label
        await button.ClickAsync();
        await Assertions.Expect(page.Locator("#staff-menu a[data-staff-tool=Moderation]")).ToContainTextAsync(label);

        // The bulk actions are off until something is selected, so an empty selection never looks actionable.
        await page.GotoAsync("/mod");
        var hide = page.GetByRole(AriaRole.Button, new() { Name = "Hide selected posts" });
        await Assertions.Expect(page.Locator(".flag-select").First).ToBeVisibleAsync();
        await Assertions.Expect(hide).ToBeDisabledAsync();
        await page.Locator(".flag-select").First.CheckAsync();
        await Assertions.Expect(hide).ToBeEnabledAsync();
        await page.Locator(".flag-select").First.UncheckAsync();
        await Assertions.Expect(hide).ToBeDisabledAsync();
    }
}
