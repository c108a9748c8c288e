using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using static Community.BrowserTests.Forums.ForumArrange;

namespace Community.BrowserTests.Forums;

/// <summary>
/// A change to a thread redraws only what it changes: the post elements stay the same nodes (so the reader keeps their
/// place and focus). Each post node is marked with a JavaScript property; a re-created node would not carry it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InPlaceUpdateTests(BrowserFixture browser)
{
    private const string Mark = "() => document.querySelectorAll('#posts > li.post').forEach(n => { n.__kept = true; })";
    private const string Unmarked = "() => [...document.querySelectorAll('#posts > li.post')].filter(n => n.__kept !== true).map(n => n.id)";

    [Fact]
    public async Task Accepting_an_answer_and_locking_keep_every_post_element_and_the_focused_button()
    {
        var admin = await PersonAsync(browser, "Keep Admin", Roles.Admin);
        var ana = await PersonAsync(browser, "Ana Keep");
        var ben = await PersonAsync(browser, "Ben Keep");
        var mod = await PersonAsync(browser, "Mo Keep", Roles.Moderator);
        var (_, _, url, threadId) = await ThreadAsync(admin, ana, "Which export format?");
        await ReplyAsync(ben, threadId, "CSV works best for me.");
        await ReplyAsync(ben, threadId, "Or JSON, if you script it.");
        var a = await browser.NewPersonAsync();
        var b = await browser.NewPersonAsync();
        await SignInAsync(a, ana, url);
        await SignInAsync(b, ben, url);
        var accept = Post(a, 2).GetByRole(AriaRole.Button, new() { Name = "Accept as answer" });
        await Assertions.Expect(accept).ToBeVisibleAsync();
        await Assertions.Expect(Post(b, 3)).ToContainTextAsync("Or JSON");
        await Assertions.Expect(b.Locator("#viewers")).ToContainTextAsync("2 people viewing");
        foreach (var page in new[] { a, b }) await page.EvaluateAsync(Mark);

        // The author accepts from the keyboard: the button's label changes in place and keeps focus.
        await accept.FocusAsync();
        await a.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Post(a, 2).Locator(".post-head")).ToContainTextAsync("Accepted answer");
        Assert.Empty(await a.EvaluateAsync<string[]>(Unmarked));
        await Assertions.Expect(Post(a, 2).GetByRole(AriaRole.Button, new() { Name = "Unaccept answer" })).ToBeFocusedAsync();
        await Assertions.Expect(a.Locator("#thread-badges")).ToContainTextAsync("Answered");
        // The other reader gets it live.
        await Assertions.Expect(Post(b, 2)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\baccepted\b"));
        await Assertions.Expect(Post(b, 2).Locator(".post-head")).ToContainTextAsync("Accepted answer");
        foreach (var page in new[] { a, b }) Assert.Empty(await page.EvaluateAsync<string[]>(Unmarked));

        // Moving the answer: the old one loses its badge, the new one gains it, still the same nodes.
        await Post(a, 3).GetByRole(AriaRole.Button, new() { Name = "Accept as answer" }).ClickAsync();
        await Assertions.Expect(Post(b, 3).Locator(".post-head")).ToContainTextAsync("Accepted answer");
        await Assertions.Expect(Post(b, 2).Locator(".post-head")).Not.ToContainTextAsync("Accepted answer");
        foreach (var page in new[] { a, b }) Assert.Empty(await page.EvaluateAsync<string[]>(Unmarked));

        // A moderator locks the thread: members lose the composer and Quote, and still no post is re-created.
        await b.GetByLabel("Your reply").FillAsync("A half-written reply");
        await ApiClient.ReadAsync<System.Text.Json.JsonElement>(await mod.Api.PatchAsync($"/api/threads/{threadId}", new { locked = true }));
        await Assertions.Expect(b.Locator("#composer-area")).ToContainTextAsync("This thread is locked");
        await Assertions.Expect(Post(b, 2).GetByRole(AriaRole.Button, new() { Name = "Quote" })).ToHaveCountAsync(0);
        await Assertions.Expect(b.Locator("#thread-badges")).ToContainTextAsync("Locked");
        foreach (var page in new[] { a, b }) Assert.Empty(await page.EvaluateAsync<string[]>(Unmarked));
    }
}
