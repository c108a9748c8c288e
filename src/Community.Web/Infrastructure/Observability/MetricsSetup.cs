using System.Diagnostics.Metrics;
using System.Net;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Community.Web.Infrastructure.Observability;

/// <summary><c>Metrics:*</c> settings.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";
    public const string Path = "/metrics";

    /// <summary>Off switch for every instrument listener, the endpoint and the exporters.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Networks whose addresses may read <see cref="Path"/>; loopback unless configured (a configured list replaces it).</summary>
    public IReadOnlyList<IPNetwork> AllowedNetworks { get; init; } = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    /// <summary>Where OTLP export goes: <c>Metrics:OtlpEndpoint</c>, else the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>True when <c>Metrics:OtlpEndpoint</c> set the endpoint (so it is passed on); the standard variables the
    /// exporter reads itself.</summary>
    public bool OtlpEndpointFromSettings { get; init; }

    public bool Allows(IPAddress? address)
    {
        // No address (an in-memory or Unix socket transport) is not known to be local: refused like any stranger.
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in AllowedNetworks)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }

    public static MetricsOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var fromSettings = section["OtlpEndpoint"];
        var otlp = string.IsNullOrWhiteSpace(fromSettings) ? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] : fromSettings;
        return new MetricsOptions
        {
            Enabled = section.GetValue("Enabled", true),
            AllowedNetworks = Networks(section.GetSection("AllowedNetworks")) ?? new MetricsOptions().AllowedNetworks,
            OtlpEndpoint = string.IsNullOrWhiteSpace(otlp) ? null : Absolute(otlp),
            OtlpEndpointFromSettings = !string.IsNullOrWhiteSpace(fromSettings),
        };
    }

    // Accepts a JSON array or one comma-separated string (handy in an environment variable); an array set anywhere wins.
    private static IPNetwork[]? Networks(IConfigurationSection section)
    {
        string[] items = [.. section.GetChildren().Select(c => c.Value ?? "")];
        if (items.Length == 0) items = (section.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0) return null;
        return [.. items.Select(item => IPNetwork.TryParse(item.Contains('/', StringComparison.Ordinal) ? item : Host(item), out var network)
            ? network
            : throw new InvalidOperationException($"Metrics:AllowedNetworks: '{item}' is not a network in CIDR form (10.0.0.0/8, fd00::/8)."))];
    }

    private static string Host(string address) =>
        IPAddress.TryParse(address, out var ip)
            ? $"{address}/{(ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)}"
            : address;

    private static Uri Absolute(string value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        ? uri
        : throw new InvalidOperationException($"Metrics:OtlpEndpoint: '{value}' is not an http(s) address.");
}

public static class MetricsSetup
{
    /// <summary>OpenTelemetry metrics (ours, ASP.NET Core, HttpClient, runtime) for the Prometheus endpoint and, when an OTLP
    /// endpoint is configured, OTLP export of metrics and request traces.</summary>
    public static IServiceCollection AddCommunityMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        var options = MetricsOptions.From(configuration);
        services.AddSingleton(options);
        if (!options.Enabled) return services;
        var otel = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("community"));
        otel.WithMetrics(metrics =>
        {
            metrics.AddMeter(CommunityMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddView(Stream)
                // Scrapes come every few seconds at most; a cached answer would hide a request made just before.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            if (options.OtlpEndpoint is not null) metrics.AddOtlpExporter(o => Configure(o, options));
        });
        // Traces cost an Activity per request: only when someone collects them.
        if (options.OtlpEndpoint is not null)
        {
            otel.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = http => http.Request.Path != MetricsOptions.Path)
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(o => Configure(o, options)));
        }
        return services;
    }

    // Recorded on every request, yet rarely looked at: dropping them means ASP.NET Core does not even build their tags.
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "aspnetcore.routing.match_attempts", "aspnetcore.authentication.authenticate.duration", "aspnetcore.authorization.attempts",
        "aspnetcore.memory_pool.rented", "aspnetcore.memory_pool.pooled",
        "aspnetcore.rate_limiting.request_lease.duration", "aspnetcore.rate_limiting.active_request_leases",
        "aspnetcore.rate_limiting.request.time_in_queue", "aspnetcore.rate_limiting.queued_requests",
    };

    // Every stream reserves room for its cardinality limit up front (2,000 points by default); only requests need that many.
    private static MetricStreamConfiguration? Stream(Instrument instrument) =>
        Dropped.Contains(instrument.Name) ? MetricStreamConfiguration.Drop
        : instrument.Name.StartsWith("http.", StringComparison.Ordinal) ? null
        : new MetricStreamConfiguration { CardinalityLimit = 200 };

    private static void Configure(OtlpExporterOptions otlp, MetricsOptions options)
    {
        if (options.OtlpEndpointFromSettings) otlp.Endpoint = options.OtlpEndpoint!;
    }

    /// <summary>Answers <c>GET /metrics</c> in the Prometheus text format to allowed addresses only. Anyone else falls through to
    /// the site's own "not found", so the endpoint does not advertise itself. Goes after forwarded headers, so behind a proxy
    /// the check sees the client's address, not the proxy's.</summary>
    public static IApplicationBuilder UseCommunityMetrics(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<MetricsOptions>();
        if (!options.Enabled) return app;
        return app.UseOpenTelemetryPrometheusScrapingEndpoint(http =>
            http.Request.Path == MetricsOptions.Path && options.Allows(http.Connection.RemoteIpAddress));
    }
}
