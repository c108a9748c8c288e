using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// The site's one hub connection (/hubs/live): every page shares it, and each connection joins its member's group.
/// It is for delivery, typing and presence only: writes go through the HTTP API. A feature that needs hub methods
/// derives its hub from this class in its own folder and registers it with <see cref="LiveSetup.AddLiveHub{THub}"/>;
/// it is then served at the same address, so the browser's single connection reaches its methods.
/// </summary>
public class LiveHub : Hub
{
    public const string Path = "/hubs/live";

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.FindFirstValue(ClaimTypes.NameIdentifier) is { } memberId)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Member(memberId));
        }
        await base.OnConnectedAsync();
    }
}

/// <summary>
/// Lets a feature's hub (a <see cref="LiveHub"/>) share the one connection registry and fan-out: everything is handed to
/// the <see cref="HubLifetimeManager{LiveHub}"/>, so <c>IHubContext&lt;LiveHub&gt;</c> and the bus reach its connections.
/// </summary>
internal sealed class SharedLiveLifetime<THub>(HubLifetimeManager<LiveHub> inner) : HubLifetimeManager<THub> where THub : LiveHub
{
    public override Task OnConnectedAsync(HubConnectionContext connection) => inner.OnConnectedAsync(connection);
    public override Task OnDisconnectedAsync(HubConnectionContext connection) => inner.OnDisconnectedAsync(connection);
    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.AddToGroupAsync(connectionId, groupName, cancellationToken);
    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendAllAsync(methodName, args, cancellationToken);
    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds,
        CancellationToken cancellationToken = default) => inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);
    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);
    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args,
        CancellationToken cancellationToken = default) => inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);
    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendGroupAsync(groupName, methodName, args, cancellationToken);
    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args,
        CancellationToken cancellationToken = default) => inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);
    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds,
        CancellationToken cancellationToken = default) => inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds,
            cancellationToken);
    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendUserAsync(userId, methodName, args, cancellationToken);
    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args,
        CancellationToken cancellationToken = default) =>
        inner.SendUsersAsync(userIds, methodName, args, cancellationToken);
}

/// <summary>Which hub type is served at <see cref="LiveHub.Path"/>: <see cref="LiveHub"/> itself unless a feature registered its own.</summary>
internal sealed record LiveHubRoute(Func<IEndpointRouteBuilder, HubEndpointConventionBuilder> Map);
