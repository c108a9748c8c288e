using System.Text.Json;
using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using static Community.BrowserTests.Forums.ForumArrange;

namespace Community.BrowserTests.Forums;

/// <summary>The reply composer posts exactly once even when the server's answer is lost on the way back (issue #14).</summary>
[Collection(BrowserCollection.Name)]
public sealed class PostingOnceJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_reply_whose_answer_is_lost_is_sent_again_with_its_key_and_appears_once()
    {
        var admin = await ForumArrange.PersonAsync(browser, "Once Browser Admin", Roles.Admin);
        var ana = await ForumArrange.PersonAsync(browser, "Ana Once Browser");
        var (_, _, url, threadId) = await ThreadAsync(admin, ana, "Posting once thread");
        var page = await browser.NewPersonAsync();
        var keys = new List<string>();
        var sent = 0;
        // The first reply reaches the server and is committed, but its answer never reaches the page.
        await page.RouteAsync(new Regex($"/api/threads/{threadId}/posts$"), async route =>
        {
            if (route.Request.Method != "POST") { await route.ContinueAsync(); return; }
            lock (keys) keys.Add(route.Request.Headers.GetValueOrDefault("idempotency-key") ?? "");
            if (Interlocked.Increment(ref sent) == 1)
            {
                await route.FetchAsync();
                await route.AbortAsync();
                return;
            }
            await route.ContinueAsync();
        });
        await SignInAsync(page, ana, url);
        await Assertions.Expect(Post(page, 1)).ToBeVisibleAsync();

        await page.GetByLabel("Your reply").FillAsync("Said once, whatever the network does");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).ClickAsync();

        await Assertions.Expect(page.Locator("#reply-form .form-status")).ToHaveTextAsync("Reply posted.");
        await Assertions.Expect(Post(page, 2)).ToContainTextAsync("Said once, whatever the network does");
        await Assertions.Expect(page.GetByLabel("Your reply")).ToHaveValueAsync("");
        var window = await ApiClient.ReadAsync<JsonElement>(await admin.Api.GetAsync($"/api/threads/{threadId}/posts?after=0"));
        Assert.Equal(2, window.GetProperty("posts").GetArrayLength());
        Assert.Equal(2, window.GetProperty("lastSeq").GetInt32());
        await Assertions.Expect(Post(page, 3)).ToHaveCountAsync(0);
        lock (keys)
        {
            Assert.True(keys.Count >= 2, $"the composer sent the reply {keys.Count} time(s)");
            Assert.Single(keys.Distinct());
            Assert.True(Guid.TryParse(keys[0], out _), $"'{keys[0]}' is not a client-generated UUID");
        }
    }
}
