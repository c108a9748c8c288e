using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Community.Web.Infrastructure.Live;

/// <summary><c>Live:*</c> settings for delivery to connections.</summary>
public sealed class LiveDeliveryOptions
{
    public const string Section = "Live";

    /// <summary>Messages a connection may have waiting behind its current write before it is closed as too slow. They are
    /// references to messages shared by every viewer, so a long queue is cheap; 256 is about 20 s of a busy thread.</summary>
    public int MaxQueuedMessages { get; set; } = 256;

    /// <summary>Seconds one write may wait for a connection to read before the connection is closed as too slow.</summary>
    public int MaxStallSeconds { get; set; } = 10;

    /// <summary>Connections that must close (and stay closed, down to half the peak) before their memory is handed back.</summary>
    public int ReleaseMemoryAfterDrop { get; set; } = 1000;

    /// <summary>How often the connection count is looked at for such a drop.</summary>
    public int MemoryCheckSeconds { get; set; } = 5;
}

/// <summary>
/// The hub's connections and groups, replacing SignalR's default lifetime manager. That one awaits every member's write,
/// so one viewer who stopped reading held up the request that published a reply, for everyone. Here a send is queued
/// and returns at once; one dispatcher serializes each message once and posts it to every member's bounded
/// <see cref="ConnectionOutbox"/> without waiting; a connection that falls behind is closed and catches up when it returns.
/// Group membership itself (who may join what) stays with the hub methods that call <c>Groups.AddToGroupAsync</c>.
/// </summary>
internal sealed partial class LiveFanout : HubLifetimeManager<LiveHub>, IDisposable
{
    private readonly ConcurrentDictionary<string, ConnectionOutbox> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ConnectionOutbox>> _groups = new(StringComparer.Ordinal);
    private readonly Lock _membership = new();
    private readonly Channel<Func<int>> _sends = Channel.CreateUnbounded<Func<int>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly LiveDeliveryOptions _options;
    private readonly ILogger _logger;
    private readonly Timer _sweep;

    public LiveFanout(LiveDeliveryOptions options, ILogger<LiveFanout> logger)
    {
        _options = options;
        _logger = logger;
        _ = Task.Run(DispatchAsync);
        var every = TimeSpan.FromSeconds(Math.Max(1, options.MaxStallSeconds / 2.0));
        _sweep = new Timer(_ => CloseStalled(), null, every, every);
    }

    /// <summary>Connections open on this server.</summary>
    public int Count => _connections.Count;

    /// <summary>Waits (up to <paramref name="timeout"/>) until every send queued before the call has been handed to the
    /// transports: the dispatcher has posted it, and no connection still has a write waiting or in flight. For a graceful stop,
    /// which closes the connections right after its last message.</summary>
    public bool Drain(TimeSpan timeout)
    {
        var posted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _sends.Writer.TryWrite(() =>
        {
            posted.TrySetResult();
            return 0;
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (!posted.Task.Wait(timeout)) return false;
        var left = timeout - clock.Elapsed;
        return SpinWait.SpinUntil(() => _connections.Values.All(o => o.IsIdle), left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _connections[connection.ConnectionId] = new ConnectionOutbox(connection, _options);
        CommunityMetrics.LiveConnected();
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (!_connections.TryRemove(connection.ConnectionId, out var outbox)) return Task.CompletedTask;
        CommunityMetrics.LiveDisconnected();
        outbox.Forget();
        lock (_membership)
        {
            foreach (var group in outbox.Groups) LeaveLocked(group, outbox);
            outbox.Groups.Clear();
        }
        return Task.CompletedTask;
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (!_connections.TryGetValue(connectionId, out var outbox)) return Task.CompletedTask;
        lock (_membership)
        {
            // A connection that closed while joining must not be left in the group.
            if (outbox.IsClosed || !_connections.ContainsKey(connectionId)) return Task.CompletedTask;
            _groups.GetOrAdd(groupName, _ => new ConcurrentDictionary<string, ConnectionOutbox>(StringComparer.Ordinal))[connectionId] = outbox;
            outbox.Groups.Add(groupName);
        }
        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (!_connections.TryGetValue(connectionId, out var outbox)) return Task.CompletedTask;
        lock (_membership)
        {
            LeaveLocked(groupName, outbox);
            outbox.Groups.Remove(groupName);
        }
        return Task.CompletedTask;
    }

    private void LeaveLocked(string groupName, ConnectionOutbox outbox)
    {
        if (!_groups.TryGetValue(groupName, out var members)) return;
        members.TryRemove(outbox.Connection.ConnectionId, out _);
        if (members.IsEmpty) _groups.TryRemove(groupName, out _);
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Enqueue(methodName, args, m => Deliver(_connections.Values, m));

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds,
        CancellationToken cancellationToken = default) =>
        Enqueue(methodName, args, m => Deliver(_connections.Values.Where(o => !excludedConnectionIds.Contains(o.Connection.ConnectionId)), m));

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendConnectionsAsync([connectionId], methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args,
        CancellationToken cancellationToken = default) =>
        Enqueue(methodName, args, m => Deliver(connectionIds.Select(id => _connections.GetValueOrDefault(id)).OfType<ConnectionOutbox>(), m));

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendGroupExceptAsync(groupName, methodName, args, [], cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args,
        CancellationToken cancellationToken = default) =>
        Enqueue(methodName, args, m => Deliver(groupNames.SelectMany(Members).DistinctBy(o => o.Connection.ConnectionId), m));

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds,
        CancellationToken cancellationToken = default) =>
        Enqueue(methodName, args, m => Deliver(excludedConnectionIds.Count == 0
            ? Members(groupName)
            : Members(groupName).Where(o => !excludedConnectionIds.Contains(o.Connection.ConnectionId)), m));

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendUsersAsync([userId], methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args,
        CancellationToken cancellationToken = default) =>
        Enqueue(methodName, args, m => Deliver(_connections.Values.Where(o => o.Connection.UserIdentifier is { } u && userIds.Contains(u)), m));

    private IEnumerable<ConnectionOutbox> Members(string groupName) =>
        _groups.TryGetValue(groupName, out var members) ? members.Values : [];

    // One reader keeps messages in publish order for every connection; it never waits on a connection, only hands over.
    private Task Enqueue(string methodName, object?[] args, Func<SerializedHubMessage, int> deliver)
    {
        var message = new SerializedHubMessage(new InvocationMessage(methodName, args));
        _sends.Writer.TryWrite(() => deliver(message));
        return Task.CompletedTask;
    }

    private async Task DispatchAsync()
    {
        await foreach (var send in _sends.Reader.ReadAllAsync())
        {
            try
            {
                var dropped = send();
                if (dropped > 0) LogDropped(_logger, dropped, _options.MaxQueuedMessages, _options.MaxStallSeconds);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                LogFailed(_logger, ex.Message);
            }
        }
    }

    /// <summary>Posts to each connection; returns how many were closed for falling behind.</summary>
    private static int Deliver(IEnumerable<ConnectionOutbox> outboxes, SerializedHubMessage message)
    {
        int dropped = 0, delivered = 0;
        foreach (var outbox in outboxes)
        {
            var posted = outbox.Post(message);
            if (posted == Posted.ClosedAsTooSlow) dropped++;
            else if (posted == Posted.Queued) delivered++;
        }
        CommunityMetrics.LiveDelivered(delivered, dropped);
        return dropped;
    }

    private void CloseStalled()
    {
        var closed = _connections.Values.Count(o => o.CloseIfStalled());
        CommunityMetrics.LiveStalled(closed);
        if (closed > 0) LogDropped(_logger, closed, _options.MaxQueuedMessages, _options.MaxStallSeconds);
    }

    public void Dispose()
    {
        _sends.Writer.TryComplete();
        _sweep.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Closed {Count} live connection(s) that fell behind ({MaxQueued} messages waiting or a write stuck for {MaxStall} s); "
            + "they catch up on reconnect")]
    private static partial void LogDropped(ILogger logger, int count, int maxQueued, int maxStall);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live send failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
