using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Live;

/// <summary>
/// One viewer who stops reading its WebSocket must not hold up posting for everyone (issue #8). Real Kestrel and real
/// sockets: the in-memory test server has no backpressure, so it cannot show the defect.
/// </summary>
public sealed class SlowViewerTests
{
    private const int Replies = 24;

    private sealed class KestrelForum(string? postgres = null) : ForumFactory
    {
        protected override IDictionary<string, string?> Settings()
        {
            var settings = base.Settings();
            // Small enough that the stuck viewer overflows well before the last of the 24 replies, large enough that the
            // reading viewer, starved of CPU while the whole suite runs on 2 cores, is never mistaken for a stuck one.
            settings["Live:MaxQueuedMessages"] = "16";
            if (postgres is not null)
            {
                settings["Database:Provider"] = "Postgres";
                settings["Database:ConnectionString"] = postgres;
            }
            return settings;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Loopback sockets otherwise absorb megabytes before the server sees any backpressure.
            builder.ConfigureServices(services => services.Configure<SocketTransportOptions>(o => o.CreateBoundListenSocket = endpoint =>
            {
                var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                socket.SendBufferSize = 16 * 1024;
                return socket;
            }));
        }

        public Uri HubUrl()
        {
            UseKestrel(0);
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            ClientOptions.BaseAddress = new Uri(address);
            return new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/hubs/live");
        }
    }

    [Fact]
    public async Task A_viewer_that_stops_reading_neither_slows_posting_nor_other_viewers_and_is_closed()
    {
        await using var factory = new KestrelForum();
        await PostPastASlowViewerAsync(factory);
    }

    [PostgresFact]
    public async Task A_viewer_that_stops_reading_is_dropped_with_the_PostgreSQL_live_bus_too()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var factory = new KestrelForum(database.ConnectionString);
        await PostPastASlowViewerAsync(factory);
    }

    private static async Task PostPastASlowViewerAsync(KestrelForum factory)
    {
        var hub = factory.HubUrl();
        using var admin = await factory.MemberAsync("Admin Slow", "Admin");
        using var writer = await factory.MemberAsync("Writer Slow");
        var category = await Forum.CategoryAsync(admin);
        var thread = (await Forum.ThreadAsync(writer, category.Id)).Thread;
        using var stuck = await StuckViewer.JoinAsync(hub, thread.Id);
        await using var reader = await HubClient.ConnectAsync(hub);
        await reader.InvokeAsync("JoinThread", thread.Id);

        var body = new string('x', 32 * 1024);
        for (var i = 0; i < Replies; i++)
        {
            // Without the fix the publish awaits the stuck socket until SignalR's 30 s client timeout closes it.
            var posted = Forum.ReplyAsync(writer, thread.Id, $"reply {i} {body}");
            await posted.WaitAsync(TimeSpan.FromSeconds(10));
        }

        for (var seq = 2; seq <= Replies + 1; seq++)
        {
            var expected = seq;
            await reader.WaitForAsync("postCreated", p => p.GetProperty("seq").GetInt32() == expected, TimeSpan.FromSeconds(20));
        }
        var (received, closed) = await stuck.DrainAsync(TimeSpan.FromSeconds(20));
        Assert.True(closed, $"the stuck viewer's connection was left open after {received} replies");
        Assert.True(received < Replies, $"the stuck viewer got all {received} replies, so it was never behind");
    }

    /// <summary>
    /// Connects with a tiny socket receive buffer, joins the thread, reads the join's answer, then reads nothing. A raw
    /// socket speaking just enough of the JSON hub protocol, not <see cref="HubClient"/>: the official client always drains
    /// its socket into memory, so it cannot be the stuck tab this test needs. It shares no code with the bench's viewer.
    /// </summary>
    private sealed class StuckViewer(ClientWebSocket socket) : IDisposable
    {
        public static async Task<StuckViewer> JoinAsync(Uri hub, long threadId)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, ct) =>
                {
                    var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                    await tcp.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(tcp, ownsSocket: true);
                },
            };
            var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await socket.ConnectAsync(hub, new HttpMessageInvoker(handler), CancellationToken.None);
            var viewer = new StuckViewer(socket);
            await viewer.SendAsync("{\"protocol\":\"json\",\"version\":1}");
            await viewer.ReceiveAsync(CancellationToken.None); // handshake
            await viewer.SendAsync($"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"JoinThread\",\"arguments\":[{threadId}]}}");
            while (await viewer.ReceiveAsync(CancellationToken.None) is { } message && !message.Contains("\"invocationId\":\"1\"", StringComparison.Ordinal))
            {
            }
            return viewer;
        }

        /// <summary>Reads what the server had sent: how many replies, and whether the connection then ended.</summary>
        public async Task<(int Replies, bool Closed)> DrainAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            var count = 0;
            try
            {
                while (await ReceiveAsync(cts.Token) is { } message) count += CountOf(message, "\"postCreated\"");
                return (count, true);
            }
            catch (OperationCanceledException) { return (count, false); }
            catch (WebSocketException) { return (count, true); }
        }

        private static int CountOf(string text, string what)
        {
            var n = 0;
            for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
            return n;
        }

        private async Task<string?> ReceiveAsync(CancellationToken ct)
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage) return Encoding.UTF8.GetString(message.ToArray());
            }
        }

        private Task SendAsync(string json) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(json + '\u001e'), WebSocketMessageType.Text, true, CancellationToken.None);

        public void Dispose() => socket.Dispose();
    }
}
