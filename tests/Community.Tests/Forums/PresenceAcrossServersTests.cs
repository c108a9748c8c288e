using Community.Tests.Infrastructure;
using Community.Web.Features.Forums;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Forums;

/// <summary>"N people viewing" counts the viewers on every server, and a server that stops reporting stops counting.</summary>
public sealed class PresenceAcrossServersTests
{
    [Fact]
    public void Another_servers_viewers_count_until_it_stops_reporting_for_thirty_seconds()
    {
        var clock = new TestClock();
        var presence = new ServerPresence(clock);
        presence.Apply(new PresenceReport("crashed", [7, 8], [3, 1], Full: false));
        presence.Apply(new PresenceReport("alive", [7], [2], Full: false));
        Assert.Equal(5, presence.Count(7));
        Assert.Equal([7L, 8L], presence.TakeChanged().Order());

        clock.Advance(TimeSpan.FromSeconds(20));
        presence.Apply(new PresenceReport("alive", [7], [2], Full: true)); // a heartbeat: the live server stays
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(2, presence.Count(7)); // "crashed" last reported 31 s ago
        presence.Expire();
        Assert.Equal([7L, 8L], presence.TakeChanged().Order()); // both counts moved: viewers are told the new numbers
        Assert.Equal(0, presence.Count(8));
    }

    [Fact]
    public void A_full_report_drops_the_threads_it_no_longer_lists_and_a_server_ignores_its_own()
    {
        var presence = new ServerPresence(new TestClock());
        presence.Apply(new PresenceReport("other", [1, 2], [4, 4], Full: false));
        presence.Apply(new PresenceReport("other", [2], [1], Full: true));
        Assert.Equal(0, presence.Count(1));
        Assert.Equal(1, presence.Count(2));
        presence.Apply(new PresenceReport(presence.Server, [2], [9], Full: false));
        Assert.Equal(1, presence.Count(2));
    }

    [PostgresFact]
    public async Task Viewers_on_two_servers_are_counted_together_and_typing_and_leaving_on_one_server_are_seen_on_the_other()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresForumFactory(database.ConnectionString);
        await using var b = new PostgresForumFactory(database.ConnectionString);
        using var admin = await a.MemberAsync("Presence Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var id = (await Forum.ThreadAsync(admin, category.Id)).Thread.Id;
        var cookie = await Cookies.SignInAsync(a.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }), admin.Current!.Email);
        await using var onA = await HubClient.ConnectAsync(a, cookie);
        await using var onB = await HubClient.ConnectAsync(b);
        Assert.Equal(1, (await onA.InvokeAsync("JoinThread", id)).GetInt32());
        await onB.InvokeAsync("JoinThread", id);

        // B hears of A's viewer within a second or two (A reports each second) and tells its own viewers the total.
        await onB.WaitForAsync("viewers", v => v.GetProperty("count").GetInt32() == 2, TimeSpan.FromSeconds(15));
        await onA.WaitForAsync("viewers", v => v.GetProperty("count").GetInt32() == 2, TimeSpan.FromSeconds(15));

        // Typing travels over the bus: a member typing on A shows on B.
        await onA.InvokeAsync("Typing", id);
        Assert.Equal("Presence Admin", (await onB.WaitForAsync("typing", timeout: TimeSpan.FromSeconds(15))).GetProperty("displayName").GetString());

        var seen = onB.Received("viewers").Count;
        await onA.InvokeAsync("LeaveThread", id);
        await Eventually.TrueAsync(() => onB.Received("viewers") is { } all && all.Count > seen && all[^1].GetProperty("count").GetInt32() == 1,
            () => string.Join(",", onB.Received("viewers").Select(v => v.GetProperty("count").GetInt32()))
                + $"; on A {a.Services.GetRequiredService<IThreadPresence>().LocalCount(id)}, A seen by B "
                + b.Services.GetRequiredService<ServerPresence>().Count(id), TimeSpan.FromSeconds(15));

        // A closed connection (a closed tab, no LeaveThread) stops counting too, on its own server and on the other.
        int Latest() => onB.Received("viewers")[^1].GetProperty("count").GetInt32();
        await using (var tab = await HubClient.ConnectAsync(a))
        {
            Assert.Equal(2, (await tab.InvokeAsync("JoinThread", id)).GetInt32());
            await Eventually.TrueAsync(() => Latest() == 2, () => $"B was told {Latest()}", TimeSpan.FromSeconds(15));
        }
        await Eventually.TrueAsync(() => Latest() == 1,
            () => $"on A {a.Services.GetRequiredService<IThreadPresence>().LocalCount(id)}, seen by B {onB.Received("viewers")[^1]}",
            TimeSpan.FromSeconds(15));
    }
}
