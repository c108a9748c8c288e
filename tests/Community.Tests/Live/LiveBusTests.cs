using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Live;

public sealed class LiveBusTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Fact]
    public async Task A_signed_in_connection_receives_messages_for_its_member_group_only()
    {
        using var ana = await factory.MemberAsync("Ana Live");
        using var ben = await factory.MemberAsync("Ben Live");
        var anaCookie = await Cookies.SignInAsync(factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }), ana.Current!.Email);
        var benCookie = await Cookies.SignInAsync(factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }), ben.Current!.Email);
        await using var anaHub = await HubClient.ConnectAsync(factory, anaCookie);
        await using var benHub = await HubClient.ConnectAsync(factory, benCookie);

        var bus = factory.Services.GetRequiredService<ILiveBus>();
        // SignalR answers the handshake before OnConnectedAsync has put the connection in its member group:
        // publish until the first one lands, as a page that connects and then waits would see it. Ben first, so he is
        // in his group (and would be in Ana's, were that the defect) before anything is sent to Ana.
        await Eventually.RepeatUntilAsync(() => bus.PublishAsync(LiveGroups.Member(ben.Current.Id), "ready", new { text = "for Ben" }),
            () => benHub.Received("ready").Count > 0, TimeSpan.FromMilliseconds(100));
        await Eventually.RepeatUntilAsync(() => bus.PublishAsync(LiveGroups.Member(ana.Current.Id), "notice", new { text = "for Ana" }),
            () => anaHub.Received("notice").Count > 0, TimeSpan.FromMilliseconds(100));

        var got = await anaHub.WaitForAsync("notice");
        Assert.Equal("for Ana", got.GetProperty("text").GetString());
        // Sentinel: one connection receives in the order the server sent, so once this is here, Ana's would be too.
        await bus.PublishAsync(LiveGroups.Member(ben.Current.Id), "notice", new { text = "for Ben" });
        await benHub.WaitForAsync("notice", n => n.GetProperty("text").GetString() == "for Ben");
        Assert.Equal(["for Ben"], benHub.Received("notice").Select(n => n.GetProperty("text").GetString()));
    }
}

/// <summary>Two servers sharing one PostgreSQL database: a message published on one reaches a viewer connected to the other.</summary>
public sealed class PostgresLiveBusTests
{
    private sealed class PostgresServer(string connectionString) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connectionString,
        };
    }

    [PostgresFact]
    public async Task A_message_published_on_one_server_reaches_a_connection_on_another_even_when_large()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresServer(database.ConnectionString);
        await using var b = new PostgresServer(database.ConnectionString);
        using var member = await a.MemberAsync("Across Servers");
        var cookie = await Cookies.SignInAsync(b.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }), member.Current!.Email);
        await using var viewer = await HubClient.ConnectAsync(b, cookie);

        var big = string.Concat(Enumerable.Range(0, 3000).Select(i => $"{i}é,")); // > 8000 bytes: sent in chunks
        var busA = a.Services.GetRequiredService<ILiveBus>();
        Assert.IsNotType<InProcessLiveBus>(busA);
        // The listener on B may still be subscribing: publish until it arrives (a few tries).
        var n = 0;
        await Eventually.RepeatUntilAsync(() => busA.PublishAsync(LiveGroups.Member(member.Current.Id), "notice", new { text = big, n = n++ }),
            () => viewer.Received("notice").Count > 0, TimeSpan.FromMilliseconds(250));
        var got = await viewer.WaitForAsync("notice");
        Assert.Equal(big, got.GetProperty("text").GetString());
    }
}
