using System.Collections.Concurrent;
using System.Text.Json;
using Community.Web.Infrastructure.Live;

namespace Community.Web.Features.Forums;

/// <summary>
/// One server's viewer counts, as it tells the others over the bus (<see cref="LiveGroups.Servers"/>). A change report carries
/// the threads whose count moved; a full report (<see cref="Full"/>, every <see cref="ServerPresence.Heartbeat"/>) carries
/// every thread the server has viewers in, so anything it no longer lists is dropped.
/// </summary>
public sealed record PresenceReport(string Server, long[] Threads, int[] Counts, bool Full);

/// <summary>
/// The viewer counts of the other servers, each with an expiry: a server that stops reporting (crashed, cut off) stops
/// counting after <see cref="Expiry"/>. The numbers are per server, so a report replaces, never adds.
/// </summary>
public sealed class ServerPresence(TimeProvider clock)
{
    public const string Method = "presence";
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, (int Count, DateTimeOffset Until)>> _threads = new();
    private readonly ConcurrentDictionary<long, byte> _changed = new();

    /// <summary>This server's name in reports (random per process).</summary>
    public string Server { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Viewers of the thread on the other servers.</summary>
    public int Count(long threadId)
    {
        if (!_threads.TryGetValue(threadId, out var servers)) return 0;
        var now = clock.GetUtcNow();
        var sum = 0;
        foreach (var (_, entry) in servers) if (entry.Until > now) sum += entry.Count;
        return sum;
    }

    public void Apply(PresenceReport report)
    {
        if (report.Server == Server || report.Threads.Length != report.Counts.Length) return;
        var until = clock.GetUtcNow() + Expiry;
        var listed = new HashSet<long>(report.Threads);
        for (var i = 0; i < report.Threads.Length; i++)
        {
            var (thread, count) = (report.Threads[i], report.Counts[i]);
            var servers = _threads.GetOrAdd(thread, _ => new ConcurrentDictionary<string, (int, DateTimeOffset)>(StringComparer.Ordinal));
            if (count <= 0)
            {
                if (servers.TryRemove(report.Server, out _)) _changed[thread] = 0;
                continue;
            }
            var had = servers.TryGetValue(report.Server, out var old) ? old.Count : 0;
            servers[report.Server] = (count, until);
            if (had != count) _changed[thread] = 0;
        }
        if (!report.Full) return;
        foreach (var (thread, servers) in _threads)
        {
            if (!listed.Contains(thread) && servers.TryRemove(report.Server, out _)) _changed[thread] = 0;
        }
    }

    /// <summary>Drops the counts of servers that stopped reporting.</summary>
    public void Expire()
    {
        var now = clock.GetUtcNow();
        foreach (var (thread, servers) in _threads)
        {
            foreach (var (server, entry) in servers)
            {
                if (entry.Until <= now && servers.TryRemove(server, out _)) _changed[thread] = 0;
            }
            if (servers.IsEmpty) _threads.TryRemove(new KeyValuePair<long, ConcurrentDictionary<string, (int, DateTimeOffset)>>(thread, servers));
        }
    }

    /// <summary>Threads whose count on other servers changed since the last call.</summary>
    public IReadOnlyList<long> TakeChanged()
    {
        var ids = _changed.Keys.ToList();
        foreach (var id in ids) _changed.TryRemove(id, out _);
        return ids;
    }
}

/// <summary>Receives the other servers' presence reports.</summary>
internal sealed class PresenceSignalHandler(ServerPresence presence) : IServerSignalHandler
{
    public string Method => ServerPresence.Method;

    public Task HandleAsync(JsonElement payload)
    {
        if (payload.Deserialize<PresenceReport>(JsonSerializerOptions.Web) is { } report) presence.Apply(report);
        return Task.CompletedTask;
    }
}
