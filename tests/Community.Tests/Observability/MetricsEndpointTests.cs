using System.Globalization;
using System.Net.WebSockets;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Community.Tests.Observability;

/// <summary>
/// <c>/metrics</c>: Prometheus text for allowed addresses, the site's plain 404 for everyone else. The test server lets each
/// request say which address it came from. Instruments are process-wide, so other tests running at the same time only ever
/// push the numbers up: the assertions look for a rise or a floor, never an exact value. They run alone, after the parallel tests:
/// in one full run on a loaded machine a scrape taken while other tests' servers started and stopped had no request metrics at
/// all, most likely because those servers' meters share names with this one's and their disposal ends the shared streams
/// (production runs one server per process).
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsEndpointTests
{
    private static readonly IPAddress Outsider = IPAddress.Parse("192.0.2.7"); // TEST-NET-1: never loopback

    private sealed class NetworkFactory(string networks) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["Metrics:AllowedNetworks"] = networks };
    }

    private sealed class DisabledFactory : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["Metrics:Enabled"] = "false" };
    }

    [Fact]
    public async Task Metrics_from_loopback_are_Prometheus_text_and_count_requests()
    {
        using var factory = new CommunityFactory();
        var first = await Scrape.GetAsync(factory, IPAddress.Loopback);
        Assert.Equal(200, first.Status);
        Assert.StartsWith("text/plain", first.ContentType, StringComparison.Ordinal);
        Assert.Contains("# TYPE ", first.Body, StringComparison.Ordinal);
        Assert.Contains("# HELP ", first.Body, StringComparison.Ordinal);
        var before = Scrape.Sum(first.Body, "http_server_request_duration_seconds_count", "http_route=\"/healthz\"");

        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

        // The server records a request when it has finished with it, which may be just after the client has its answer.
        var after = await Scrape.UntilAsync(factory,
            body => Scrape.Sum(body, "http_server_request_duration_seconds_count", "http_route=\"/healthz\"") > before);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", after, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket{", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_connection_shows_in_the_connections_gauge()
    {
        using var factory = new CommunityFactory();
        var hub = new Uri(factory.Server.BaseAddress, "hubs/live");
        using var socket = await factory.Server.CreateWebSocketClient().ConnectAsync(hub, CancellationToken.None);
        await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var handshake = new byte[64];
        await socket.ReceiveAsync(handshake, CancellationToken.None); // "{}": the connection is registered

        var body = await Scrape.UntilAsync(factory, b => Scrape.Sum(b, "community_live_connections") >= 1);
        Assert.Contains("# TYPE community_live_connections gauge", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_answer_404_to_addresses_outside_the_allowed_networks()
    {
        using var loopbackOnly = new CommunityFactory();
        var outsider = await Scrape.GetAsync(loopbackOnly, Outsider);
        Assert.Equal(404, outsider.Status);
        Assert.DoesNotContain("# TYPE", outsider.Body, StringComparison.Ordinal);
        // No address at all (an in-memory transport) is not taken for a local one either.
        Assert.Equal(404, (await Scrape.GetAsync(loopbackOnly, null)).Status);

        using var tenOnly = new NetworkFactory("10.0.0.0/8, 192.0.2.0/24");
        var local = await Scrape.GetAsync(tenOnly, IPAddress.Loopback);
        Assert.Equal(404, local.Status);
        Assert.DoesNotContain("# TYPE", local.Body, StringComparison.Ordinal);
        Assert.Equal(200, (await Scrape.GetAsync(tenOnly, IPAddress.Parse("10.1.2.3"))).Status);
        Assert.Equal(200, (await Scrape.GetAsync(tenOnly, Outsider.MapToIPv6())).Status); // IPv4 seen through a dual-stack socket
    }

    [Fact]
    public async Task Writes_mail_and_cache_reads_show_in_their_metrics()
    {
        using var factory = new ForumFactory();
        var before = (await Scrape.GetAsync(factory, IPAddress.Loopback)).Body;
        var admin = await factory.MemberAsync("Metrics admin", "Admin"); // sign-up writes and sends a confirmation mail
        var category = await Forum.CategoryAsync(admin);
        var thread = await Forum.ThreadAsync(admin, category.Id);
        var reader = factory.CreateApiClient();
        await Forum.WindowAsync(reader, thread.Thread.Id);
        await Forum.WindowAsync(reader, thread.Thread.Id); // the second read comes from memory

        bool Rose(string body, string name, string? label = null) => Scrape.Sum(body, name, label) > Scrape.Sum(before, name, label);
        await Scrape.UntilAsync(factory, body =>
            Rose(body, "community_write_queue_wait_seconds_count")
            && Rose(body, "community_cache_hits_total", "cache=\"forum\"")
            && Rose(body, "community_cache_misses_total", "cache=\"forum\"")
            && Rose(body, "community_mail_sent_total"));
    }

    [Fact]
    public async Task Metrics_can_be_switched_off()
    {
        using var factory = new DisabledFactory();
        Assert.Equal(404, (await Scrape.GetAsync(factory, IPAddress.Loopback)).Status);
    }
}

/// <summary>Reads /metrics as if from a given address, and sums samples out of the text format.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (alone)";
}

internal static class Scrape
{
    public sealed record Answer(int Status, string ContentType, string Body);

    public static async Task<Answer> GetAsync(WebApplicationFactory<Program> factory, IPAddress? from)
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/metrics";
            c.Connection.RemoteIpAddress = from;
        });
        using var reader = new StreamReader(context.Response.Body);
        return new Answer(context.Response.StatusCode, context.Response.ContentType ?? "", await reader.ReadToEndAsync());
    }

    /// <summary>Scrapes until <paramref name="condition"/> holds for the body (10 s at most); returns that body.</summary>
    public static async Task<string> UntilAsync(WebApplicationFactory<Program> factory, Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var answer = await GetAsync(factory, IPAddress.Loopback);
            Assert.Equal(200, answer.Status);
            if (condition(answer.Body)) return answer.Body;
            if (DateTime.UtcNow > deadline) Assert.Fail("The metrics never showed the expected value:\n" + answer.Body);
            await Task.Delay(50); // polling for a condition, not a wait that decides the outcome
        }
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    public static double Sum(string body, string name, string? label = null)
    {
        var total = 0.0;
        foreach (var line in body.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal) && !line.StartsWith(name + " ", StringComparison.Ordinal)) continue;
            if (label is not null && !line.Contains(label, StringComparison.Ordinal)) continue;
            var rest = line.StartsWith(name + "{", StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[name.Length..];
            var value = rest.Trim().Split(' ')[0];
            total += double.Parse(value, CultureInfo.InvariantCulture);
        }
        return total;
    }
}
