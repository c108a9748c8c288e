using System.Text.Json;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using static Community.BrowserTests.Forums.ForumArrange;

namespace Community.BrowserTests.Forums.Ideas;

/// <summary>Issue #15 in the browser: votes and status changes reach other people live; the ideas pages and the roadmap pass axe.</summary>
[Collection(BrowserCollection.Name)]
public sealed class IdeaJourneyTests(BrowserFixture browser)
{
    private Task<Person> PersonAsync(string name, params string[] roles) => ForumArrange.PersonAsync(browser, name, roles);

    private static async Task<(int Id, string Slug)> BoardAsync(Person admin)
    {
        var slug = "ib-" + Guid.NewGuid().ToString("N")[..10];
        var board = await ApiClient.ReadAsync<JsonElement>(await admin.Api.PostAsync("/api/categories",
            new { name = "Product ideas " + slug[3..7], slug, description = "Ideas for the product", kind = "ideas" }), HttpStatusCode.Created);
        return (board.GetProperty("id").GetInt32(), slug);
    }

    private static async Task<(long Id, string Url)> IdeaAsync(Person author, int board, string title)
    {
        var created = await ApiClient.ReadAsync<JsonElement>(await author.Api.PostAsync("/api/threads",
            new { categoryId = board, title, body = "It would help our **night shift**." }), HttpStatusCode.Created);
        var thread = created.GetProperty("thread");
        return (thread.GetProperty("id").GetInt64(), thread.GetProperty("url").GetString()!);
    }

    [Fact]
    public async Task A_vote_shows_live_for_a_second_member_and_a_shipped_status_notifies_the_voter_live()
    {
        var admin = await PersonAsync("Ideas Admin", Roles.Admin);
        var ana = await PersonAsync("Ana Ideas");
        var ben = await PersonAsync("Ben Ideas");
        var (board, slug) = await BoardAsync(admin);
        var (ideaId, url) = await IdeaAsync(admin, board, "Dark mode for the mobile app");
        var a = await browser.NewPersonAsync();
        var b = await browser.NewPersonAsync();
        await SignInAsync(a, ana, url);
        await SignInAsync(b, ben, $"/ideas?category={slug}");

        var vote = a.Locator("#idea-vote-area [data-idea-vote]");
        await Assertions.Expect(vote).ToHaveAttributeAsync("aria-pressed", "false");
        var listed = b.Locator($"[data-idea-id=\"{ideaId}\"] .vote-count");
        await Assertions.Expect(listed).ToHaveTextAsync("0");
        await vote.ClickAsync();
        await Assertions.Expect(vote).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(a.Locator("#idea-vote-count")).ToHaveTextAsync("1");
        await Assertions.Expect(a.Locator("#idea-budget")).ToContainTextAsync("9 votes left of 10");
        await Assertions.Expect(listed).ToHaveTextAsync("1"); // Ben's list, without reloading

        // Ben votes from the list; Ana's idea page follows.
        await b.Locator($"[data-idea-id=\"{ideaId}\"] button[data-idea-vote]").ClickAsync();
        await Assertions.Expect(a.Locator("#idea-vote-count")).ToHaveTextAsync("2");
        await a.AssertAccessibleAsync();

        // Staff (in a third context) mark it Shipped from the idea page: Ana's bell and the page change live.
        var staff = await browser.NewPersonAsync();
        await SignInAsync(staff, admin, url);
        var form = staff.Locator("#idea-status-form");
        await form.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("shipped");
        await form.GetByLabel("Note for voters (optional)").FillAsync("Out in 5.0 today.");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save status" }).ClickAsync();
        await Assertions.Expect(form.Locator(".form-status")).ToContainTextAsync("Saved: Shipped");
        await Assertions.Expect(a.Locator("#notification-bell .bell-count")).ToHaveTextAsync("1");
        await Assertions.Expect(a.Locator("#idea-status")).ToHaveTextAsync("Shipped");
        await Assertions.Expect(a.Locator("#idea-status-note")).ToHaveTextAsync("Out in 5.0 today.");
        await a.Locator("#notification-bell").ClickAsync();
        await Assertions.Expect(a.Locator("#notification-panel")).ToContainTextAsync("“Dark mode for the mobile app” is now Shipped");
        await Assertions.Expect(b.Locator($"[data-idea-id=\"{ideaId}\"] [data-idea-status]")).ToHaveTextAsync("Shipped");
        await staff.AssertAccessibleAsync();
        await staff.Locator("#idea-voters-button").ClickAsync();
        await Assertions.Expect(staff.Locator("#idea-voters")).ToContainTextAsync("2 voters");
        await staff.ScreenshotAsync("idea-staff");
    }

    [Fact]
    public async Task The_ideas_list_an_idea_and_the_roadmap_are_accessible_at_desktop_and_phone_width()
    {
        var admin = await PersonAsync("Roadmap Browser Admin", Roles.Admin);
        var (board, _) = await BoardAsync(admin);
        var statuses = new[] { "planned", "in-progress", "shipped", "under-review", "new" };
        for (var i = 0; i < statuses.Length; i++)
        {
            var (id, _) = await IdeaAsync(admin, board, $"Roadmap idea {i + 1}: {statuses[i]}");
            await ApiClient.ReadAsync<JsonElement>(await admin.Api.PutAsync($"/api/ideas/{id}/status",
                new { status = statuses[i], note = statuses[i] == "planned" ? "Next quarter." : null }));
        }
        var (first, firstUrl) = await IdeaAsync(admin, board, "Roadmap idea with a page");

        foreach (var (width, height, suffix) in new[] { (1280, 900, "desktop"), (375, 812, "phone") })
        {
            var page = await browser.NewPersonAsync(width, height);
            await page.GotoAsync("/ideas");
            await Assertions.Expect(page.Locator($"[data-idea-id=\"{first}\"]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#new-idea-signin")).ToBeVisibleAsync();
            await page.AssertAccessibleAsync();
            await page.ScreenshotAsync($"ideas-list-{suffix}");

            await page.GotoAsync("/roadmap");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Roadmap", Exact = true })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".roadmap-column").Nth(0)).ToContainTextAsync("Roadmap idea 1: planned");
            await Assertions.Expect(page.Locator(".roadmap-column").Nth(1)).ToContainTextAsync("Roadmap idea 2: in-progress");
            await Assertions.Expect(page.Locator(".roadmap-column").Nth(2)).ToContainTextAsync("Roadmap idea 3: shipped");
            await page.AssertAccessibleAsync();
            await page.ScreenshotAsync($"roadmap-{suffix}");
        }

        // Reachable from the navigation, and an idea's page (signed in, with the new-idea form on the list) passes axe too.
        var member = await PersonAsync("Roadmap Browser Member");
        var m = await browser.NewPersonAsync();
        await SignInAsync(m, member, "/");
        await m.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Ideas" }).ClickAsync();
        await Assertions.Expect(m.GetByLabel("Title", new() { Exact = true })).ToBeVisibleAsync();
        await m.AssertAccessibleAsync();
        // Suggesting an idea: the form posts it and opens its page, where the vote button waits.
        await m.GetByLabel("Board", new() { Exact = true })
            .SelectOptionAsync(new SelectOptionValue { Value = board.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await m.GetByLabel("Title", new() { Exact = true }).FillAsync("Keyboard shortcuts for the editor");
        await m.GetByLabel("Describe it").FillAsync("Like **Ctrl+K** for links.");
        await m.GetByRole(AriaRole.Button, new() { Name = "Post idea" }).ClickAsync();
        await Assertions.Expect(m.Locator("#thread-title")).ToHaveTextAsync("Keyboard shortcuts for the editor");
        await Assertions.Expect(m.Locator("#idea-status")).ToHaveTextAsync("New");
        await Assertions.Expect(m.Locator("#idea-vote-area button[data-idea-vote]")).ToHaveAttributeAsync("aria-pressed", "false");
        await m.GotoAsync(firstUrl);
        await Assertions.Expect(m.Locator("#idea-vote-area button[data-idea-vote]")).ToBeVisibleAsync();
        await m.AssertAccessibleAsync();
        await m.GetByRole(AriaRole.Contentinfo).GetByRole(AriaRole.Link, new() { Name = "Roadmap" }).ClickAsync();
        await Assertions.Expect(m).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/roadmap$"));
        Assert.DoesNotContain(browser.ConsoleErrors,
            e => e.Contains("/ideas", StringComparison.Ordinal) || e.Contains("/roadmap", StringComparison.Ordinal));
    }
}
