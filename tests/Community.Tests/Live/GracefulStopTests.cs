using System.Diagnostics;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Community.Tests.Live;

/// <summary>
/// A stopping server with live connections (issue #14): pages are told to reconnect elsewhere, and a page that reconnects
/// straight back is refused, so the stop does not wait out its shutdown timeout. Real Kestrel, real sockets, the official client.
/// </summary>
public sealed class GracefulStopTests
{
    /// <summary>Runs <see cref="DuringStop"/> while the host stops, before the server does: Kestrel still accepts then.</summary>
    private sealed class KestrelSite : ForumFactory
    {
        public Func<Task>? DuringStop { get; set; }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddHostedService(_ => new StopHook(this)));
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

    private sealed class StopHook(KestrelSite site) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => site.DuringStop?.Invoke() ?? Task.CompletedTask;
    }

    [Fact]
    public async Task A_stopping_server_tells_pages_to_reconnect_refuses_new_ones_and_stops_quickly()
    {
        var factory = new KestrelSite();
        HubClient? late = null;
        Exception? refused = null;
        try
        {
            var hub = factory.HubUrl();
            var health = await factory.CreateClient().GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.True(health.IsSuccessStatusCode);
            await using var early = await HubClient.ConnectAsync(hub);
            await using var other = await HubClient.ConnectAsync(hub);
            using var http = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress };
            HttpResponseMessage? negotiate = null;
            // A page whose automatic reconnect fires at once lands here, while the host is stopping but Kestrel still listens.
            factory.DuringStop = async () =>
            {
                negotiate = await http.PostAsync(new Uri("/hubs/live/negotiate?negotiateVersion=1", UriKind.Relative), null);
                try { late = await HubClient.ConnectAsync(hub); } catch (Exception ex) when (ex is not OutOfMemoryException) { refused = ex; }
            };

            var clock = Stopwatch.StartNew();
            await factory.DisposeAsync();
            clock.Stop();

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the stop took {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.NotNull(refused);
            Assert.Null(late);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, negotiate!.StatusCode);
            Assert.True(negotiate.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a refused negotiation says when to retry");
            foreach (var client in new[] { early, other })
            {
                await client.WaitForAsync("Reconnect", timeout: TimeSpan.FromSeconds(10));
                await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            if (late is not null) await late.DisposeAsync();
            await factory.DisposeAsync();
        }
    }
}
