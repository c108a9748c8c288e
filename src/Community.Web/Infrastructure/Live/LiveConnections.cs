using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// One open hub connection on this server: whose session it carries, the roles it may use now, and the groups it joined
/// with the scope each was granted for (a thread's category, say). A connection is authorised once, at connect; this record
/// is what lets a role change, a sign-out or a thread moving out of reach take effect on it at once.
/// </summary>
public sealed class LiveConnection(HubCallerContext context)
{
    public HubCallerContext Context { get; } = context;
    public string Id => Context.ConnectionId;
    public string? MemberId { get; } = context.User?.FindFirstValue(ClaimTypes.NameIdentifier);
    public string? SessionId { get; } = context.User?.FindFirstValue(SessionClaims.Id);
    public int SessionVersion { get; } = int.TryParse(context.User?.FindFirstValue(SessionClaims.Version), out var v) ? v : -1;

    /// <summary>The roles this connection acts with; replaced when an admin changes the member's roles.</summary>
    public IReadOnlySet<string> Roles { get; set; } =
        (context.User?.FindAll(ClaimTypes.Role).Select(c => c.Value) ?? []).ToHashSet(StringComparer.Ordinal);

    /// <summary>Group name → the scope it was granted for (a category id; 0 when the group has none).</summary>
    public ConcurrentDictionary<string, int> Groups { get; } = new(StringComparer.Ordinal);
}

/// <summary>Claim types of a Community session cookie.</summary>
public static class SessionClaims
{
    /// <summary>The member's session version when the cookie was issued; a newer version on the member ends the session.</summary>
    public const string Version = "community:sv";
    /// <summary>This session's random id, so that signing out ends this session (and every copy of its cookie) only.</summary>
    public const string Id = "community:sid";
}

/// <summary>Re-checks the groups of connections whose access may have shrunk (or grown).</summary>
public interface ILiveAccessCheck
{
    Task RecheckAsync(IReadOnlyCollection<LiveConnection> changed);
}

/// <summary>The connections open on this server.</summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<string, LiveConnection> _all = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, LiveConnection>> _byMember = new(StringComparer.Ordinal);

    public LiveConnection? Get(string connectionId) => _all.GetValueOrDefault(connectionId);

    public ICollection<LiveConnection> All => _all.Values;

    public IReadOnlyCollection<LiveConnection> OfMember(string memberId) =>
        _byMember.TryGetValue(memberId, out var set) ? [.. set.Values] : [];

    internal void Add(LiveConnection connection)
    {
        _all[connection.Id] = connection;
        if (connection.MemberId is { } member)
            _byMember.GetOrAdd(member, _ => new ConcurrentDictionary<string, LiveConnection>(StringComparer.Ordinal))[connection.Id] = connection;
    }

    internal void Remove(string connectionId)
    {
        if (!_all.TryRemove(connectionId, out var connection) || connection.MemberId is not { } member) return;
        if (_byMember.TryGetValue(member, out var set) && set.TryRemove(connectionId, out _) && set.IsEmpty) _byMember.TryRemove(member, out _);
    }
}

/// <summary>Decides whether a new connection may stay (its session may have ended between the cookie check and now).</summary>
public interface ILiveConnectionGate
{
    Task<bool> AdmitAsync(LiveConnection connection);
}

/// <summary>Keeps <see cref="LiveConnections"/> in step with the hub's connections.</summary>
internal sealed class LiveConnectionsFilter(LiveConnections connections, IEnumerable<ILiveConnectionGate> gates, LiveShutdown shutdown) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // A WebSocket that was accepted just before the stop began: it would otherwise hold the stop open (see LiveShutdown).
        if (shutdown.Stopping) throw new HubException("This server is restarting. Reconnect in a moment.");
        shutdown.Watch();
        var connection = new LiveConnection(context.Context);
        // Registered before the gates look, so a change announced meanwhile finds (and closes) it.
        connections.Add(connection);
        foreach (var gate in gates)
        {
            if (await gate.AdmitAsync(connection)) continue;
            connections.Remove(connection.Id); // a refused connection is closed without OnDisconnectedAsync
            throw new HubException("Your session has ended. Sign in again.");
        }
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        connections.Remove(context.Context.ConnectionId);
        await next(context, exception);
    }
}
