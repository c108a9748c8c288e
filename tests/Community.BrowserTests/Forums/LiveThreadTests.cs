using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using Microsoft.Extensions.DependencyInjection;
using static Community.BrowserTests.Forums.ForumArrange;

namespace Community.BrowserTests.Forums;

/// <summary>Two people (two browser contexts) on the same thread: everything one does shows up live for the other.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveThreadTests(BrowserFixture browser)
{
    private Task<Person> PersonAsync(string name, params string[] roles) => ForumArrange.PersonAsync(browser, name, roles);

    [Fact]
    public async Task Replies_reactions_typing_and_hides_reach_the_other_person_live()
    {
        var admin = await PersonAsync("Browser Admin", Roles.Admin);
        var ana = await PersonAsync("Ana Browser");
        var ben = await PersonAsync("Ben Browser");
        var (_, slug, url, threadId) = await ThreadAsync(admin, ana, "Nightly exports question");
        var a = await browser.NewPersonAsync();
        var b = await browser.NewPersonAsync();
        await SignInAsync(a, ana, url);
        await SignInAsync(b, ben, url);
        await Assertions.Expect(a.Locator("#p1 .post-body")).ToContainTextAsync("export");
        await Assertions.Expect(b.Locator("#viewers")).ToContainTextAsync("2 people viewing");

        // A types → B sees "Ana Browser is typing…"
        await a.GetByLabel("Your reply").PressSequentiallyAsync("Use the sched");
        await Assertions.Expect(b.Locator("#typing")).ToHaveTextAsync("Ana Browser is typing…");

        // A replies → B sees it without reloading, announced politely.
        await a.GetByLabel("Your reply").PressSequentiallyAsync("uled exports in Settings.");
        await a.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).ClickAsync();
        await Assertions.Expect(Post(b, 2)).ToContainTextAsync("Use the scheduled exports in Settings.");
        await Assertions.Expect(b.Locator("#announcer")).ToHaveTextAsync("1 new reply");

        // B reacts → A sees the count.
        await Post(b, 2).GetByRole(AriaRole.Button, new() { Name = "like", Exact = true }).ClickAsync();
        await Assertions.Expect(Post(b, 2).GetByRole(AriaRole.Button, new() { Name = "like, 1" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(Post(a, 2).GetByRole(AriaRole.Button, new() { Name = "like, 1" })).ToBeVisibleAsync();

        // A moderator hides the reply → it disappears for both.
        var moderator = await PersonAsync("Browser Mod", Roles.Moderator);
        var postId = (await ApiClient.ReadAsync<JsonElement>(await moderator.Api.GetAsync($"/api/threads/{threadId}/posts?after=1&limit=1")))
            .GetProperty("posts")[0].GetProperty("id").GetInt64();
        await ApiClient.ReadAsync<JsonElement>(await moderator.Api.PostAsync($"/api/posts/{postId}/hide", new { reason = "Testing" }));
        foreach (var page in new[] { a, b })
        {
            await Assertions.Expect(Post(page, 2)).ToContainTextAsync("hidden by a moderator");
            await Assertions.Expect(Post(page, 2)).Not.ToContainTextAsync("scheduled exports");
        }

        await b.ScreenshotAsync("forum-thread");
        await a.AssertAccessibleAsync();
        await b.GotoAsync($"/c/{slug}");
        await Assertions.Expect(b.GetByRole(AriaRole.Link, new() { Name = "Nightly exports question" })).ToBeVisibleAsync();
        await b.AssertAccessibleAsync();
        await b.GotoAsync("/forums");
        await Assertions.Expect(b.GetByRole(AriaRole.Heading, new() { Name = "Forums", Level = 1 })).ToBeVisibleAsync();
        await b.AssertAccessibleAsync();
    }

    [Fact]
    public async Task A_reader_who_was_offline_gets_every_missed_reply_exactly_once_in_order()
    {
        var admin = await PersonAsync("Offline Admin", Roles.Admin);
        var ana = await PersonAsync("Ana Offline");
        var ben = await PersonAsync("Ben Offline");
        var (_, _, url, _) = await ThreadAsync(admin, ana, "Offline catch-up thread");
        var a = await browser.NewPersonAsync();
        var b = await browser.NewPersonAsync();
        // Offline emulation does not cut an open WebSocket, so A's hub sockets go through a route we can drop.
        var offline = false;
        var sockets = new List<IWebSocketRoute>();
        await a.RouteWebSocketAsync(new Regex("/hubs/live"), ws =>
        {
            if (offline) { _ = ws.CloseAsync(); return; }
            ws.ConnectToServer();
            lock (sockets) sockets.Add(ws);
        });
        await SignInAsync(a, ana, url);
        await SignInAsync(b, ben, url);
        await Assertions.Expect(b.Locator("#viewers")).ToContainTextAsync("2 people viewing");

        offline = true;
        await a.Context.SetOfflineAsync(true);
        List<IWebSocketRoute> open;
        lock (sockets) open = [.. sockets];
        foreach (var ws in open) await ws.CloseAsync();
        await Assertions.Expect(a.Locator("#live-status")).ToHaveTextAsync("Reconnecting…");
        for (var i = 1; i <= 3; i++)
        {
            await b.GetByLabel("Your reply").FillAsync($"Missed reply number {i}");
            await b.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).ClickAsync();
            await Assertions.Expect(Post(b, i + 1)).ToContainTextAsync($"Missed reply number {i}");
        }
        offline = false;
        await a.Context.SetOfflineAsync(false);

        await Assertions.Expect(Post(a, 4)).ToContainTextAsync("Missed reply number 3");
        var seqs = await a.Locator("#posts > li.post").EvaluateAllAsync<int[]>("nodes => nodes.map(n => Number(n.dataset.seq))");
        Assert.Equal([1, 2, 3, 4], seqs);
        var texts = await a.Locator("#posts > li.post .post-body").AllInnerTextsAsync();
        Assert.Equal(["Missed reply number 1", "Missed reply number 2", "Missed reply number 3"], texts.Skip(1).Select(t => t.Trim()));
        await Assertions.Expect(a.Locator("#live-status")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_permalink_opens_at_its_post_in_a_long_thread_and_works_at_360px()
    {
        var admin = await PersonAsync("Permalink Admin", Roles.Admin);
        var (_, _, url, threadId) = await ThreadAsync(admin, admin, "A long thread");
        await using (var scope = browser.Server.Services.CreateAsyncScope())
        {
            var reply = scope.ServiceProvider.GetRequiredService<Community.Web.Features.Forums.ReplyToThread.Handler>();
            var viewer = new Community.Web.Features.Forums.ForumViewer(admin.Api.Current!.Id, new HashSet<string>([Roles.Admin]));
            for (var i = 2; i <= 120; i++) await reply.HandleAsync(viewer, threadId, new($"Reply body {i}"), CancellationToken.None);
        }
        var page = await browser.NewPersonAsync(360, 740);
        await page.GotoAsync(url + "#p97");
        await Assertions.Expect(Post(page, 97)).ToContainTextAsync("Reply body 97");
        await Assertions.Expect(Post(page, 1)).ToHaveCountAsync(0); // only the window around the permalink is loaded
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Load earlier posts" })).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth");
        Assert.False(overflow, "the thread page scrolls sideways at 360 px");
        await page.GetByRole(AriaRole.Button, new() { Name = "Load earlier posts" }).ClickAsync();
        await Assertions.Expect(Post(page, 40)).ToContainTextAsync("Reply body 40");
        Assert.Matches(new Regex("#p97$"), page.Url);
    }

    [Fact]
    public async Task An_admin_creates_a_category_a_member_starts_a_thread_and_a_flag_reaches_the_moderator_queue_live()
    {
        var admin = await PersonAsync("Category Admin", Roles.Admin);
        var chloe = await PersonAsync("Chloe Starter");
        var mo = await PersonAsync("Mo Queue", Roles.Moderator);
        var name = "Integrations " + Guid.NewGuid().ToString("N")[..6];

        var a = await browser.NewPersonAsync();
        await SignInAsync(a, admin, "/forums");
        await a.GetByLabel("Name").FillAsync(name);
        await a.GetByLabel("Description").FillAsync("Webhooks, APIs and connectors.");
        await a.GetByRole(AriaRole.Button, new() { Name = "Save category" }).ClickAsync();
        await Assertions.Expect(a.GetByText($"Saved “{name}”.")).ToBeVisibleAsync();
        await Assertions.Expect(a.GetByRole(AriaRole.Link, new() { Name = name })).ToBeVisibleAsync();
        await a.AssertAccessibleAsync();

        var c = await browser.NewPersonAsync();
        await SignInAsync(c, chloe, "/forums");
        await c.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await c.GetByLabel("Title").FillAsync("Webhook retries after a 500?");
        await c.GetByLabel("Post").FillAsync("Does the **webhook** retry when my endpoint answers 500?");
        await c.GetByRole(AriaRole.Button, new() { Name = "Post thread" }).ClickAsync();
        await Assertions.Expect(c.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Webhook retries after a 500?");
        var threadUrl = c.Url;

        var m = await browser.NewPersonAsync();
        await SignInAsync(m, mo, "/mod");
        await Assertions.Expect(m.GetByRole(AriaRole.Heading, new() { Name = "Moderation", Level = 1 })).ToBeVisibleAsync();
        await m.AssertAccessibleAsync();

        var postId = (await ApiClient.ReadAsync<JsonElement>(await admin.Api.GetAsync(
            $"/api/threads/{threadUrl.Split("/t/")[1].Split('/')[0]}/posts?after=0&limit=1"))).GetProperty("posts")[0].GetProperty("id").GetInt64();
        await ApiClient.ReadAsync<JsonElement>(await admin.Api.PostAsync($"/api/posts/{postId}/flags", new { reason = "Looks like a duplicate" }), System.Net.HttpStatusCode.Created);
        await Assertions.Expect(m.Locator("#flags")).ToContainTextAsync("Looks like a duplicate");
        await m.GetByRole(AriaRole.Checkbox, new() { Name = "Select flag on “Webhook retries after a 500?” post 1" }).CheckAsync();
        await m.GetByRole(AriaRole.Button, new() { Name = "Dismiss selected flags" }).ClickAsync();
        await Assertions.Expect(m.Locator("#queue-status")).ToContainTextAsync("1 flag dismissed");
        await Assertions.Expect(m.Locator("#flags")).Not.ToContainTextAsync("Looks like a duplicate");
    }
}
