using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Live;

/// <summary>A private redis-server (Debian's package, installed by test.sh) on a free loopback port, without persistence.</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;
    public int Port { get; }
    public string Address => $"127.0.0.1:{Port}";

    private RedisProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static async Task<RedisProcess> StartAsync()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            var free = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var info = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "--port", free.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                         "--save", "", "--appendonly", "no" })
                info.ArgumentList.Add(arg);
            var redis = new RedisProcess(Process.Start(info)!, free);
            _ = redis._process.StandardOutput.ReadToEndAsync();
            _ = redis._process.StandardError.ReadToEndAsync();
            await Eventually.TrueAsync(() => redis.Answers() || redis._process.HasExited);
            Assert.False(redis._process.HasExited, "redis-server exited at start");
            return redis;
        }
    }

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

/// <summary>Live:Bus=Redis: the hub's fan-out goes through SignalR's Redis backplane, so servers see each other's live messages.</summary>
public sealed class RedisLiveBusTests
{
    private sealed class RedisServer(string connectionString, string redis) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connectionString,
            ["Live:Bus"] = "Redis",
            ["Live:Redis"] = redis,
        };
    }

    [PostgresFact]
    public async Task A_message_published_on_one_server_reaches_a_connection_on_another_through_redis()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new RedisServer(database.ConnectionString, redis.Address);
        await using var b = new RedisServer(database.ConnectionString, redis.Address);
        using var member = await a.MemberAsync("Across Redis");
        var cookie = await Cookies.SignInAsync(b.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }), member.Current!.Email);
        await using var viewer = await HubClient.ConnectAsync(b, cookie);

        Assert.IsType<RedisLiveBus>(a.Services.GetRequiredService<ILiveBus>());
        Assert.IsType<RedisHubLifetimeManager<LiveHub>>(b.Services.GetRequiredService<HubLifetimeManager<LiveHub>>());
        var busA = a.Services.GetRequiredService<ILiveBus>();
        // B's subscription to the member group may still be starting: publish until it arrives (a few tries).
        var n = 0;
        await Eventually.RepeatUntilAsync(() => busA.PublishAsync(LiveGroups.Member(member.Current.Id), "notice", new { text = "via redis", n = n++ }),
            () => viewer.Received("notice").Count > 0, TimeSpan.FromMilliseconds(250));
        var got = await viewer.WaitForAsync("notice");
        Assert.Equal("via redis", got.GetProperty("text").GetString());

        // And the other way: a viewer on A hears what B publishes.
        await using var viewerA = await HubClient.ConnectAsync(a,
            await Cookies.SignInAsync(a.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }), member.Current.Email));
        var busB = b.Services.GetRequiredService<ILiveBus>();
        await Eventually.RepeatUntilAsync(() => busB.PublishAsync(LiveGroups.Member(member.Current.Id), "notice", new { text = "back", n = n++ }),
            () => viewerA.Received("notice").Any(x => x.GetProperty("text").GetString() == "back"), TimeSpan.FromMilliseconds(250));
    }
}
