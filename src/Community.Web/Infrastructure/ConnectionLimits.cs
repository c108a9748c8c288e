using System.Globalization;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Community.Web.Infrastructure;

/// <summary>
/// Connection ceilings taken from the process's open-file limit. Without them a flood of connections (thousands of live
/// viewers, say) uses up every file descriptor and the process dies on the next file or database socket it needs. Every open
/// connection, plain or WebSocket, is counted for its whole life: above the soft ceiling (nine tenths) a new connection's
/// requests are answered 503 with Retry-After and the connection is closed; above the hard ceiling a new connection is closed
/// at once, before it costs anything. Connections already open keep being served either way.
/// <c>Server:MaxConnections</c> overrides the computed hard ceiling (0: no limit).
/// </summary>
public static class ConnectionLimits
{
    /// <summary>Descriptors kept back for everything that is not a client connection: database pools, files, outbound HTTP.</summary>
    public const long Reserved = 512;

    /// <summary>Seconds a refused client is asked to wait.</summary>
    public const int RetryAfterSeconds = 5;

    private const string OverKey = "community.connection-over-limit";

    /// <summary>The ceilings in force (null when there is none), for tests and the operations page.</summary>
    public sealed record Ceilings(long Soft, long Hard);

    /// <summary>Counts connections on every endpoint and sets Kestrel's own ceilings as a backstop.</summary>
    public static Ceilings? Apply(KestrelServerOptions kestrel, IConfiguration configuration)
    {
        var configured = configuration.GetValue<long?>("Server:MaxConnections");
        var hard = configured ?? Available(OpenFileLimit(ReadProcLimits()));
        if (hard is not > 0) return null;
        var ceilings = new Ceilings(Math.Max(1, hard.Value * 9 / 10), hard.Value);
        kestrel.Limits.MaxConcurrentConnections = ceilings.Hard;
        kestrel.Limits.MaxConcurrentUpgradedConnections = ceilings.Hard;
        var open = new long[1]; // one counter per server, shared by its endpoints
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => async connection =>
        {
            var count = Interlocked.Increment(ref open[0]);
            try
            {
                if (count > ceilings.Hard) return; // closed at once: the flood costs no request parsing
                if (count > ceilings.Soft) connection.Items[OverKey] = true;
                await next(connection);
            }
            finally { Interlocked.Decrement(ref open[0]); }
        }));
        return ceilings;
    }

    /// <summary>First in the HTTP pipeline: a request on a connection opened above the soft ceiling gets 503 and the connection closes.</summary>
    public static IApplicationBuilder UseConnectionLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(OverKey) != true)
        {
            await next(context);
            return;
        }
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
            context.Response.Headers.Connection = "close"; // HTTP/2 has no such header: its requests keep getting 503
        await Problems.Problems.WriteUnavailableAsync(context,
            "The server has as many connections open as it can serve. Try again in a few seconds.", RetryAfterSeconds);
    });

    /// <summary>Connections the limit leaves room for, or null when there is no limit to respect.</summary>
    public static long? Available(long? openFileLimit) =>
        openFileLimit is { } limit ? Math.Max(64, limit - Reserved) : null;

    /// <summary>The soft "Max open files" limit from /proc/self/limits text; null when unlimited or unknown.</summary>
    public static long? OpenFileLimit(string? procLimits)
    {
        var line = procLimits?.Split('\n').FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static string? ReadProcLimits()
    {
        try { return File.ReadAllText("/proc/self/limits"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException) { return null; }
    }
}
