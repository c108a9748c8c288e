using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Community.Web.Infrastructure;

/// <summary>
/// Kestrel's connection ceilings, taken from the process's open-file limit. Without them a flood of connections (thousands of
/// live viewers, say) uses up every file descriptor and the process dies on the next file or database socket it needs; with
/// them Kestrel closes connections beyond the ceiling at once and keeps serving the ones it has.
/// <c>Server:MaxConnections</c> overrides the computed total (0: no limit).
/// </summary>
public static class ConnectionLimits
{
    /// <summary>Descriptors kept back for everything that is not a client connection: database pools, files, outbound HTTP.</summary>
    public const long Reserved = 512;

    /// <summary>Sets the ceilings: a quarter for plain requests, the rest for upgraded (WebSocket) connections, which Kestrel counts apart.</summary>
    public static void Apply(KestrelServerLimits limits, IConfiguration configuration)
    {
        var configured = configuration.GetValue<long?>("Server:MaxConnections");
        var total = configured ?? Available(OpenFileLimit(ReadProcLimits()));
        if (total is not > 0) return;
        var plain = Math.Max(16, total.Value / 4);
        limits.MaxConcurrentConnections = plain;
        limits.MaxConcurrentUpgradedConnections = Math.Max(16, total.Value - plain);
    }

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
