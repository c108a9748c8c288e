using System.Net.Sockets;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Live;

/// <summary>
/// A connection flood against a real Kestrel with a small ceiling (Server:MaxConnections = 20, so 503 from the 19th): requests on
/// connections over the soft ceiling get 503 with Retry-After, connections over the hard one are closed at once, the connection
/// already open keeps being served, and the server answers normally again once the flood is gone.
/// </summary>
public sealed class ConnectionFloodTests
{
    private sealed class KestrelSite : ForumFactory
    {
        protected override IDictionary<string, string?> Settings()
        {
            var settings = base.Settings();
            settings["Server:MaxConnections"] = "20";
            return settings;
        }

        public Uri Start()
        {
            UseKestrel(0);
            StartServer();
            return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }
    }

    [Fact]
    public async Task A_flood_beyond_the_ceiling_gets_503_or_a_closed_socket_while_the_open_connection_is_served()
    {
        await using var site = new KestrelSite();
        var address = site.Start();
        using var kept = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = address };
        Assert.Equal(HttpStatusCode.OK, (await kept.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

        var flood = new List<TcpClient>();
        try
        {
            // Idle sockets up to the soft ceiling (18 with the kept one), then a new client's request is refused with 503.
            for (var i = 0; i < 17; i++) flood.Add(await ConnectAsync(address));
            var refused = await Eventually.ValueAsync(() => FreshGetAsync(address), r => r is { StatusCode: HttpStatusCode.ServiceUnavailable });
            Assert.True(refused!.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a refused request says when to retry");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("connections", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // 300 more attempts: those over the hard ceiling are closed at once, none is served, and the server stays up.
            for (var i = 0; i < 300; i++) flood.Add(await ConnectAsync(address));
            var last = flood[^1].GetStream();
            var closed = await last.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, closed); // the server closed it without a word
            Assert.Equal(HttpStatusCode.OK, (await kept.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await kept.GetAsync(new Uri("/api/categories", UriKind.Relative))).StatusCode);
        }
        finally
        {
            foreach (var socket in flood) socket.Dispose();
        }

        // The flood gone, a new visitor is served again.
        var after = await Eventually.ValueAsync(() => FreshGetAsync(address), r => r is { StatusCode: HttpStatusCode.OK });
        Assert.Equal(HttpStatusCode.OK, after!.StatusCode);
    }

    private static async Task<TcpClient> ConnectAsync(Uri address)
    {
        var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        return client;
    }

    /// <summary>A GET on a brand-new connection; null when the server closed the connection instead of answering.</summary>
    private static async Task<HttpResponseMessage?> FreshGetAsync(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        try { return await http.GetAsync(new Uri("/healthz", UriKind.Relative)); }
        catch (HttpRequestException) { return null; }
    }
}
