using System.Text.Json;
using Community.BrowserTests.Forums;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using static Community.BrowserTests.Forums.ForumArrange;

namespace Community.BrowserTests.ScaleOut;

/// <summary>Two real servers on one PostgreSQL database, behind nginx: people on different servers share one live thread.</summary>
[Collection(TwoServersCollection.Name)]
public sealed class TwoServerThreadTests(TwoServersFixture fixture)
{
    private ServerPair Pair => fixture.Pair;

    private async Task<Person> MemberAsync(string baseUrl, string name)
    {
        var api = Pair.Client(baseUrl);
        var me = await api.JoinAsync(name);
        return new Person(api, me.Email, name);
    }

    [TwoServersFact]
    public async Task People_on_two_servers_see_each_other_viewing_typing_replying_and_reacting_live_and_an_edit_on_one_is_served_by_the_other()
    {
        var (threadId, url) = await Pair.ThreadAsync("Which region do you deploy to?");
        var ana = await MemberAsync(Pair.One.Url, "Ana One");
        var ben = await MemberAsync(Pair.Two.Url, "Ben Two");
        var a = await fixture.NewPersonAsync(Pair.One.Url); // pinned by port: every request of Ana's goes to server 1
        var b = await fixture.NewPersonAsync(Pair.Two.Url);
        await SignInAsync(a, ana, url);
        await SignInAsync(b, ben, url);
        await Assertions.Expect(Post(a, 1)).ToContainTextAsync("region");
        await Assertions.Expect(Post(b, 1)).ToContainTextAsync("region");
        // Viewers and typing are counted over both servers (heartbeats in the shared database, typing over the bus).
        await Assertions.Expect(a.Locator("#viewers")).ToContainTextAsync("2 people viewing");
        await Assertions.Expect(b.Locator("#viewers")).ToContainTextAsync("2 people viewing");
        await a.GetByLabel("Your reply").PressSequentiallyAsync("We run in");
        await Assertions.Expect(b.Locator("#typing")).ToHaveTextAsync("Ana One is typing…");
        await b.GetByLabel("Your reply").PressSequentiallyAsync("Dub");
        await Assertions.Expect(a.Locator("#typing")).ToHaveTextAsync("Ben Two is typing…");
        await a.ScreenshotAsync("two-servers-viewing-and-typing");
        await b.GetByLabel("Your reply").FillAsync("");
        // A third viewer on server 2 comes and closes the tab: server 1's count follows both ways.
        var cleo = await MemberAsync(Pair.Two.Url, "Cleo Two");
        var c = await fixture.NewPersonAsync(Pair.Two.Url);
        await SignInAsync(c, cleo, url);
        await Assertions.Expect(a.Locator("#viewers")).ToContainTextAsync("3 people viewing");
        await c.Context.CloseAsync();
        await Assertions.Expect(a.Locator("#viewers")).ToContainTextAsync("2 people viewing");

        await a.GetByLabel("Your reply").FillAsync("We run in Frankfurt, posted on server one.");
        await a.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).ClickAsync();
        await Assertions.Expect(Post(b, 2)).ToContainTextAsync("We run in Frankfurt, posted on server one.");

        await b.GetByLabel("Your reply").FillAsync("Dublin here, posted on server two.");
        await b.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).ClickAsync();
        await Assertions.Expect(Post(a, 3)).ToContainTextAsync("Dublin here, posted on server two.");

        await Post(b, 2).GetByRole(AriaRole.Button, new() { Name = "like", Exact = true }).ClickAsync();
        await Assertions.Expect(Post(a, 2).GetByRole(AriaRole.Button, new() { Name = "like, 1" })).ToBeVisibleAsync();
        await Post(a, 3).GetByRole(AriaRole.Button, new() { Name = "like", Exact = true }).ClickAsync();
        await Assertions.Expect(Post(b, 3).GetByRole(AriaRole.Button, new() { Name = "like, 1" })).ToBeVisibleAsync();

        // Server 2 has served (and cached) the thread; Ana edits her reply on server 1; what server 2 serves next is the edit.
        var postId = (await ApiClient.ReadAsync<JsonElement>(await ana.Api.GetAsync($"/api/threads/{threadId}/posts?after=1&limit=1")))
            .GetProperty("posts")[0].GetProperty("id").GetInt64();
        var edit = new { body = "Edited on server one: Frankfurt and Paris." };
        await ApiClient.ReadAsync<JsonElement>(await ana.Api.PutAsync($"/api/posts/{postId}", edit));
        await b.ReloadAsync();
        await Assertions.Expect(Post(b, 2)).ToContainTextAsync("Edited on server one: Frankfurt and Paris.");
        await Assertions.Expect(Post(b, 2).GetByRole(AriaRole.Button, new() { Name = "like, 1" })).ToBeVisibleAsync();
        await Assertions.Expect(Post(b, 3)).ToContainTextAsync("Dublin here");
    }

    [TwoServersFact]
    public async Task Through_nginx_a_member_signs_in_posts_and_reads_with_requests_spread_over_both_servers()
    {
        var (threadId, url) = await Pair.ThreadAsync("Round robin thread");
        var cleo = await MemberAsync(Pair.Nginx.Url, "Cleo Balanced");
        var page = await fixture.NewPersonAsync(Pair.Nginx.Url);
        await SignInAsync(page, cleo, url);
        await page.GetByLabel("Your reply").FillAsync("Posted through the load balancer.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).ClickAsync();
        await Assertions.Expect(Post(page, 2)).ToContainTextAsync("Posted through the load balancer.");

        // Reload until both servers have answered this member's reads of the thread: each time signed in, the reply there.
        var servers = Pair.Servers.Select(s => $"127.0.0.1:{s.Port}").ToHashSet();
        for (var i = 0; i < 12 && !servers.IsSubsetOf(ThreadReads(threadId)); i++)
        {
            await page.ReloadAsync();
            await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync("Cleo Balanced");
            await Assertions.Expect(Post(page, 2)).ToContainTextAsync("Posted through the load balancer.");
        }
        Assert.True(servers.IsSubsetOf(ThreadReads(threadId)), $"nginx did not spread the reads: {string.Join(", ", ThreadReads(threadId))}");

        // Writes too: the antiforgery token and the cookie one server issued are accepted by the other (shared keys).
        var writers = new HashSet<string>();
        for (var i = 0; i < 12 && !servers.IsSubsetOf(writers); i++)
        {
            var marker = Guid.NewGuid().ToString("N");
            var response = await cleo.Api.PostAsync($"/api/threads/{threadId}/posts?m={marker}", new { body = $"Write {i} through nginx" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            writers.UnionWith(await Eventually.ValueAsync(() => Task.FromResult(Pair.Nginx.UpstreamsOf(marker)), u => u.Count > 0));
        }
        Assert.True(servers.IsSubsetOf(writers), $"nginx did not spread the writes: {string.Join(", ", writers)}");
    }

    private HashSet<string> ThreadReads(long threadId) => Pair.Nginx.UpstreamsOf($"GET /api/threads/{threadId}/posts").ToHashSet();
}
