using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;
using Community.Web.Features.Accounts;
using Community.Web.Features.Forums;
using Community.Web.Infrastructure.Live;
using Microsoft.Extensions.DependencyInjection;
using static Community.BrowserTests.Forums.ForumArrange;

namespace Community.BrowserTests.Forums;

/// <summary>
/// A live thread page ends complete whatever the network does: a failed catch-up is retried, out-of-order live posts are merged
/// without a request storm.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConvergingThreadTests(BrowserFixture browser)
{
    private Task<Person> PersonAsync(string name, params string[] roles) => ForumArrange.PersonAsync(browser, name, roles);

    private static Task<int[]> SeqsAsync(IPage page) =>
        page.Locator("#posts > li.post").EvaluateAllAsync<int[]>("nodes => nodes.map(n => Number(n.dataset.seq))");

    [Fact]
    public async Task A_catch_up_whose_first_request_fails_is_retried_and_the_page_says_so_until_complete()
    {
        var admin = await PersonAsync("Retry Admin", Roles.Admin);
        var ana = await PersonAsync("Ana Retry");
        var ben = await PersonAsync("Ben Retry");
        var (_, _, url, threadId) = await ThreadAsync(admin, ana, "Retried catch-up thread");
        var a = await browser.NewPersonAsync();
        var b = await browser.NewPersonAsync();
        var offline = false;
        var sockets = new List<IWebSocketRoute>();
        await a.RouteWebSocketAsync(new Regex("/hubs/live"), ws =>
        {
            if (offline) { _ = ws.CloseAsync(); return; }
            ws.ConnectToServer();
            lock (sockets) sockets.Add(ws);
        });
        // The first catch-up after the outage hangs until the test has seen the page admit it is behind, then fails.
        var armed = false;
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await a.RouteAsync(new Regex($"/api/threads/{threadId}/posts\\?after="), async route =>
        {
            if (!armed) { await route.ContinueAsync(); return; }
            armed = false;
            await held.Task;
            await route.AbortAsync();
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
        armed = true;
        offline = false;
        await a.Context.SetOfflineAsync(false);

        await Assertions.Expect(a.Locator("#live-status")).ToHaveTextAsync("Catching up…");
        held.SetResult();
        await Assertions.Expect(Post(a, 4)).ToContainTextAsync("Missed reply number 3");
        var shown = await SeqsAsync(a);
        Assert.Equal([1, 2, 3, 4], shown);
        await Assertions.Expect(a.Locator("#live-status")).ToBeHiddenAsync();
        Assert.False(armed, "the failing catch-up request was never made");
    }

    [Fact]
    public async Task Out_of_order_live_posts_are_merged_and_cost_at_most_one_catch_up_request()
    {
        var admin = await PersonAsync("Order Admin", Roles.Admin);
        var ana = await PersonAsync("Ana Order");
        var ben = await PersonAsync("Ben Order");
        var (_, _, url, threadId) = await ThreadAsync(admin, ana, "Out of order thread");
        var page = await browser.NewPersonAsync();
        // Joined and caught up once (after=1) before any reply exists: from here on only live messages bring posts.
        await page.RunAndWaitForResponseAsync(() => SignInAsync(page, ben, url),
            r => r.Url.Contains($"/api/threads/{threadId}/posts?after=1", StringComparison.Ordinal));
        var catchUps = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.Contains($"/api/threads/{threadId}/posts?after=", StringComparison.Ordinal)) Interlocked.Increment(ref catchUps);
        };

        // Replies 2–6 published newest first: every gap closes by itself, so no request at all.
        var held = await RepliesAsync(admin, threadId, 2, 6);
        var bus = browser.Server.Services.GetRequiredService<ILiveBus>();
        foreach (var seq in new[] { 6, 5, 4, 3, 2 }) await PublishAsync(bus, held, seq);
        await Assertions.Expect(Post(page, 6)).ToContainTextAsync("Ordered reply 6");
        var shown = await SeqsAsync(page);
        Assert.Equal([1, 2, 3, 4, 5, 6], shown);
        Assert.Equal(0, Volatile.Read(ref catchUps));

        // Replies 8–10 arrive but 7 never does: one catch-up fetches the gap, however many posts wait behind it.
        held = await RepliesAsync(admin, threadId, 7, 10);
        foreach (var seq in new[] { 9, 8, 10 }) await PublishAsync(bus, held, seq);
        await Assertions.Expect(Post(page, 10)).ToContainTextAsync("Ordered reply 10");
        await Assertions.Expect(Post(page, 7)).ToContainTextAsync("Ordered reply 7");
        shown = await SeqsAsync(page);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], shown);
        await Assertions.Expect(page.Locator("#live-status")).ToBeHiddenAsync();
        Assert.Equal(1, Volatile.Read(ref catchUps));
    }

    /// <summary>Replies written through the real handler whose live messages are held back, so the test decides their order.</summary>
    private async Task<Dictionary<int, HeldMessage>> RepliesAsync(Person author, long threadId, int from, int to)
    {
        var bus = new HoldingBus();
        await using var scope = browser.Server.Services.CreateAsyncScope();
        var reply = ActivatorUtilities.CreateInstance<ReplyToThread.Handler>(scope.ServiceProvider, (ILiveBus)bus);
        var viewer = new ForumViewer(author.Api.Current!.Id, new HashSet<string>([Roles.Admin]));
        for (var seq = from; seq <= to; seq++) await reply.HandleAsync(viewer, threadId, new($"Ordered reply {seq}"), CancellationToken.None);
        return bus.Held.Where(m => m.Method == ForumLive.PostCreated).ToDictionary(m => ((PostDto)m.Payload).Seq);
    }

    private static Task PublishAsync(ILiveBus bus, Dictionary<int, HeldMessage> held, int seq) =>
        bus.PublishAsync(held[seq].Group, held[seq].Method, held[seq].Payload);

    private sealed record HeldMessage(string Group, string Method, object Payload);

    private sealed class HoldingBus : ILiveBus
    {
        public List<HeldMessage> Held { get; } = [];

        public Task PublishAsync(string group, string method, object payload, CancellationToken ct = default)
        {
            lock (Held) Held.Add(new HeldMessage(group, method, payload));
            return Task.CompletedTask;
        }
    }
}
