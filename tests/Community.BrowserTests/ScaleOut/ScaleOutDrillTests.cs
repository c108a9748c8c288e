using System.Text.Json;
using Community.Tests.Infrastructure;
using static Community.BrowserTests.Forums.ForumArrange;

namespace Community.BrowserTests.ScaleOut;

/// <summary>
/// Faults an operator meets with several servers, played with real processes and real browsers (the page's own
/// reconnect and catch-up by sequence number): a server killed mid-stream, PostgreSQL restarted mid-stream.
/// </summary>
[Collection(TwoServersCollection.Name)]
public sealed class ScaleOutDrillTests(TwoServersFixture fixture)
{
    [TwoServersFact]
    public async Task Kill_9_one_server_and_its_viewers_reconnect_through_nginx_to_the_other_and_catch_up_exactly_once()
    {
        var pair = fixture.Pair;
        var (threadId, url) = await pair.ThreadAsync("A thread that outlives its server");
        using var poster = await pair.AdminAsync(pair.Two.Url);
        // Two viewers through nginx, each with a route cookie nginx hashes to a known server: one on each.
        var doomed = await ViewerThroughNginxAsync(pair, pair.One, url);
        var survivor = await ViewerThroughNginxAsync(pair, pair.Two, url);
        await ReplyAsync(poster, threadId, "Reply 2, before the crash");
        await Assertions.Expect(Post(doomed, 2)).ToContainTextAsync("Reply 2, before the crash");
        await Assertions.Expect(Post(survivor, 2)).ToContainTextAsync("Reply 2, before the crash");

        try
        {
            await pair.One.KillAsync();
            // nginx logs a WebSocket when it closes: the doomed viewer's socket was upgraded (101) through nginx to server 1.
            var upgraded = await Eventually.ValueAsync(() => Task.FromResult(pair.Nginx.UpstreamsOf("HTTP/1.1\" 101 ")),
                u => u.Contains($"127.0.0.1:{pair.One.Port}"));
            Assert.Contains($"127.0.0.1:{pair.One.Port}", upgraded);
            for (var seq = 3; seq <= 8; seq++) await ReplyAsync(poster, threadId, $"Reply {seq}, after the crash");

            foreach (var page in new[] { doomed, survivor })
            {
                await Assertions.Expect(Post(page, 8)).ToContainTextAsync("Reply 8, after the crash");
                await Assertions.Expect(page.Locator("#live-status")).ToBeHiddenAsync();
                await AssertExactlyOnceInOrderAsync(page, 8);
            }
            // The doomed viewer now lives on server 2: a reply still reaches it live.
            await ReplyAsync(poster, threadId, "Reply 9, live after the reconnect");
            await Assertions.Expect(Post(doomed, 9)).ToContainTextAsync("Reply 9, live after the reconnect");
            await AssertExactlyOnceInOrderAsync(doomed, 9);
        }
        finally
        {
            await pair.One.StartAgainAsync(); // the other tests of this collection use both servers
        }
    }

    [TwoServersFact]
    public async Task A_rolling_restart_stops_each_server_in_turn_quickly_and_every_viewer_ends_complete_exactly_once()
    {
        var pair = fixture.Pair;
        var (threadId, url) = await pair.ThreadAsync("A thread through a rolling restart");
        using var poster = await pair.AdminAsync(pair.Nginx.Url); // posts through nginx, like everyone
        var onOne = await ViewerThroughNginxAsync(pair, pair.One, url);
        var onTwo = await ViewerThroughNginxAsync(pair, pair.Two, url);
        var seq = 1;
        foreach (var server in new[] { pair.One, pair.Two })
        {
            await ReplyWithRetryAsync(poster, threadId, $"Reply {++seq}, before {server.Name} restarts");
            try
            {
                // A deploy: SIGTERM. Its pages are told to reconnect and land on the other server through nginx; the stop
                // does not wait out the shutdown timeout for them.
                var took = await server.StopAsync();
                Assert.True(took < TimeSpan.FromSeconds(15), $"{server.Name} took {took.TotalSeconds:0.0} s to stop");
                for (var i = 0; i < 3; i++) await ReplyWithRetryAsync(poster, threadId, $"Reply {++seq}, while {server.Name} is away");
            }
            finally
            {
                await server.StartAgainAsync();
            }
            await ReplyWithRetryAsync(poster, threadId, $"Reply {++seq}, after {server.Name} is back");
            foreach (var page in new[] { onOne, onTwo })
            {
                await Assertions.Expect(Post(page, seq)).ToContainTextAsync($"after {server.Name} is back");
                await AssertExactlyOnceInOrderAsync(page, seq);
            }
        }
        foreach (var page in new[] { onOne, onTwo }) await Assertions.Expect(page.Locator("#live-status")).ToBeHiddenAsync();
    }

    [TwoServersFact]
    public async Task Restarting_PostgreSQL_mid_stream_leaves_viewers_on_both_servers_complete()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var pair = await ServerPair.StartAsync(postgres.ConnectionString);
        var (threadId, url) = await pair.ThreadAsync("A thread that outlives a database restart");
        using var posterOne = await pair.AdminAsync(pair.One.Url);
        using var posterTwo = await pair.AdminAsync(pair.Two.Url);
        var onOne = await fixture.NewPersonAsync(pair.One.Url);
        var onTwo = await fixture.NewPersonAsync(pair.Two.Url);
        await onOne.GotoAsync(url);
        await onTwo.GotoAsync(url);
        await ReplyAsync(posterOne, threadId, "Reply 2, before the restart");
        await Assertions.Expect(Post(onOne, 2)).ToContainTextAsync("Reply 2, before the restart");
        await Assertions.Expect(Post(onTwo, 2)).ToContainTextAsync("Reply 2, before the restart");

        // Replies keep coming, alternately on both servers, each retried until acknowledged, while PostgreSQL goes down and
        // stays down until each server's live bus has failed to reconnect six times (it then waits 8 s before trying
        // again): the replies acknowledged right after the restart are published while no server listens.
        const string Lost = "Live bus lost its PostgreSQL connection", Listening = "Live bus listening on PostgreSQL channel";
        var back = new TaskCompletionSource();
        var acknowledged = new List<string>();
        var listeningBefore = new int[2];
        var unheard = 0; // replies acknowledged after the restart while a server's bus was not listening yet
        var stream = Task.Run(async () =>
        {
            var afterRestart = 0;
            for (var i = 3; afterRestart < 4; i++)
            {
                var body = $"Reply {i}, streamed";
                await ReplyWithRetryAsync(i % 2 == 0 ? posterOne : posterTwo, threadId, body);
                lock (acknowledged) acknowledged.Add(body);
                if (!back.Task.IsCompleted) { await Task.Delay(100); continue; } // a steady stream, not a flood
                afterRestart++;
                if (pair.Servers.Where((server, n) => server.CountLines(Listening) == listeningBefore[n]).Any()) unheard++;
            }
        });
        await Eventually.TrueAsync(() => { lock (acknowledged) return acknowledged.Count >= 2; });
        await postgres.StopAsync();
        await Eventually.TrueAsync(() => pair.Servers.All(s => s.CountLines(Lost) >= 6), pair.Logs);
        for (var n = 0; n < 2; n++) listeningBefore[n] = pair.Servers[n].CountLines(Listening);
        await postgres.StartAgainAsync();
        back.SetResult();
        await stream;
        Assert.True(unheard > 0, "every reply came after the buses listened again: this run did not test the gap\n" + pair.Logs());

        var stored = await ApiClient.ReadAsync<JsonElement>(await posterOne.GetAsync($"/api/threads/{threadId}/posts?after=0&limit=50"));
        var seqs = stored.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("seq").GetInt32()).ToList();
        Assert.True(seqs.Count < 50, "the stream outgrew one window of posts");
        Assert.Equal(Enumerable.Range(1, seqs.Count), seqs);
        foreach (var page in new[] { onOne, onTwo })
        {
            await Assertions.Expect(Post(page, seqs[^1])).ToContainTextAsync("streamed");
            await AssertExactlyOnceInOrderAsync(page, seqs[^1]);
            var texts = (await page.Locator("#posts > li.post .post-body").AllInnerTextsAsync()).Select(t => t.Trim()).ToList();
            foreach (var body in acknowledged) Assert.Contains(body, texts);
        }
    }

    /// <summary>A page through nginx whose route cookie nginx's consistent hash sends to <paramref name="server"/>.</summary>
    private async Task<IPage> ViewerThroughNginxAsync(ServerPair pair, ServerNode server, string url)
    {
        var route = await RouteToAsync(pair, server);
        var page = await fixture.NewPersonAsync(pair.Nginx.Url);
        await page.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "community_route", Value = route, Url = pair.Nginx.Url }]);
        await page.GotoAsync(url);
        await Assertions.Expect(Post(page, 1)).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Tries route cookie values until nginx's access log shows one hashed to <paramref name="server"/>.</summary>
    private static async Task<string> RouteToAsync(ServerPair pair, ServerNode server)
    {
        using var http = new HttpClient { BaseAddress = new Uri(pair.Nginx.Url) };
        for (var i = 0; i < 64; i++)
        {
            var route = $"route-{i}";
            var probe = Guid.NewGuid().ToString("N");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/hubs/live/negotiate?negotiateVersion=1&probe={probe}");
            request.Headers.Add("Cookie", $"community_route={route}");
            using var response = await http.SendAsync(request);
            var upstreams = await Eventually.ValueAsync(() => Task.FromResult(pair.Nginx.UpstreamsOf(probe)), u => u.Count > 0);
            if (upstreams.SequenceEqual([$"127.0.0.1:{server.Port}"])) return route;
        }
        throw new InvalidOperationException($"No route cookie reached {server.Name}.\n{pair.Logs()}");
    }

    private static async Task ReplyAsync(ApiClient poster, long threadId, string body) =>
        await ApiClient.ReadAsync<JsonElement>(await poster.PostAsync($"/api/threads/{threadId}/posts", new { body }), HttpStatusCode.Created);

    private static async Task ReplyWithRetryAsync(ApiClient poster, long threadId, string body)
    {
        var deadline = DateTime.UtcNow + Eventually.Timeout;
        while (true)
        {
            try
            {
                var response = await poster.PostAsync($"/api/threads/{threadId}/posts", new { body });
                if (response.StatusCode == HttpStatusCode.Created) return;
                Assert.True((int)response.StatusCode >= 500, $"a write during the restart answered {(int)response.StatusCode}");
            }
            catch (HttpRequestException) { }
            Assert.True(DateTime.UtcNow < deadline, $"no write succeeded within {Eventually.Timeout.TotalSeconds} s of the restart");
            await Task.Delay(50);
        }
    }

    /// <summary>The page shows posts 1..<paramref name="last"/>, each once, in order.</summary>
    private static async Task AssertExactlyOnceInOrderAsync(IPage page, int last)
    {
        var seqs = await page.Locator("#posts > li.post").EvaluateAllAsync<int[]>("nodes => nodes.map(n => Number(n.dataset.seq))");
        Assert.Equal(Enumerable.Range(1, last), seqs);
    }
}
