using System.Collections.Concurrent;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Features.Forums;

/// <summary>Who is viewing which thread: this server's connections, plus the counts other servers report (<see cref="ServerPresence"/>).</summary>
public interface IThreadPresence
{
    /// <summary>Returns the thread's viewer count (all servers) after the join.</summary>
    int Join(string connectionId, long threadId);
    int Leave(string connectionId, long threadId);
    /// <summary>Forgets a closed connection; returns the threads it was viewing.</summary>
    IReadOnlyList<long> Disconnect(string connectionId);
    /// <summary>Viewers of the thread on every server.</summary>
    int Count(long threadId);
    /// <summary>Viewers of the thread connected to this server.</summary>
    int LocalCount(long threadId);
    /// <summary>Threads this server's connections are viewing.</summary>
    IReadOnlyList<long> LocalThreads();
    /// <summary>True when this connection may broadcast a typing event now (throttled per connection and thread).</summary>
    bool TryType(string connectionId, long threadId, TimeSpan every, DateTimeOffset now);
    bool IsViewing(string connectionId, long threadId);
    /// <summary>Threads whose count on this server changed since the last call.</summary>
    IReadOnlyList<long> TakeChanged();
}

internal sealed class InMemoryThreadPresence(ServerPresence others) : IThreadPresence
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, byte>> _viewers = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, DateTimeOffset>> _byConnection = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, byte> _changed = new();

    public int Join(string connectionId, long threadId)
    {
        var set = _viewers.GetOrAdd(threadId, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
        if (set.TryAdd(connectionId, 0)) _changed[threadId] = 0;
        _byConnection.GetOrAdd(connectionId, _ => new ConcurrentDictionary<long, DateTimeOffset>()).TryAdd(threadId, DateTimeOffset.MinValue);
        return set.Count + others.Count(threadId);
    }

    public int Leave(string connectionId, long threadId)
    {
        if (_byConnection.TryGetValue(connectionId, out var threads)) threads.TryRemove(threadId, out _);
        if (!_viewers.TryGetValue(threadId, out var set)) return others.Count(threadId);
        if (set.TryRemove(connectionId, out _)) _changed[threadId] = 0;
        return set.Count + others.Count(threadId);
    }

    public IReadOnlyList<long> Disconnect(string connectionId)
    {
        if (!_byConnection.TryRemove(connectionId, out var threads)) return [];
        var ids = threads.Keys.ToList();
        foreach (var id in ids)
        {
            if (_viewers.TryGetValue(id, out var set) && set.TryRemove(connectionId, out _)) _changed[id] = 0;
        }
        return ids;
    }

    public int Count(long threadId) => LocalCount(threadId) + others.Count(threadId);

    public int LocalCount(long threadId) => _viewers.TryGetValue(threadId, out var set) ? set.Count : 0;

    public IReadOnlyList<long> LocalThreads() => [.. _viewers.Where(v => !v.Value.IsEmpty).Select(v => v.Key)];

    public bool IsViewing(string connectionId, long threadId) =>
        _byConnection.TryGetValue(connectionId, out var threads) && threads.ContainsKey(threadId);

    public bool TryType(string connectionId, long threadId, TimeSpan every, DateTimeOffset now)
    {
        if (!_byConnection.TryGetValue(connectionId, out var threads) || !threads.TryGetValue(threadId, out var last)) return false;
        if (now - last < every) return false;
        return threads.TryUpdate(threadId, now, last);
    }

    public IReadOnlyList<long> TakeChanged()
    {
        var ids = _changed.Keys.ToList();
        foreach (var id in ids) _changed.TryRemove(id, out _);
        return ids;
    }
}

/// <summary>
/// Sends "N viewing" at most once a second per thread: with a thousand people joining, a message per join would be a
/// million messages. Each server reports its own counts to the others (changes each second, everything every
/// <see cref="ServerPresence.Heartbeat"/>) and tells its own connections the total, so every server shows the same number.
/// </summary>
internal sealed partial class ViewerCountBroadcaster(IThreadPresence presence, ServerPresence others, ILiveBus bus, IHubContext<LiveHub> hub,
    TimeProvider clock, ILogger<ViewerCountBroadcaster> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var nextHeartbeat = clock.GetUtcNow() + ServerPresence.Heartbeat;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var local = presence.TakeChanged();
                var full = clock.GetUtcNow() >= nextHeartbeat;
                if (full) nextHeartbeat = clock.GetUtcNow() + ServerPresence.Heartbeat;
                var reported = full ? presence.LocalThreads().Union(local).ToArray() : [.. local];
                if (reported.Length > 0 || full)
                {
                    await bus.PublishAsync(LiveGroups.Servers, ServerPresence.Method,
                        new PresenceReport(others.Server, reported, [.. reported.Select(presence.LocalCount)], full), stoppingToken);
                }
                others.Expire();
                foreach (var id in local.Union(others.TakeChanged()))
                {
                    var viewers = new ViewersEvent(id, presence.Count(id));
                    await hub.Clients.Group(ForumLive.Thread(id)).SendAsync(ForumLive.Viewers, viewers, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Viewer count broadcast failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}

/// <summary>Removes a closed connection from every thread it was viewing.</summary>
internal sealed class PresenceHubFilter(IThreadPresence presence) : IHubFilter
{
    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        presence.Disconnect(context.Context.ConnectionId);
        await next(context, exception);
    }
}
