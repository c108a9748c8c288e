using System.Text.Json;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Features.Forums;

/// <summary>
/// A thread moved (ThreadId and its new CategoryId), a category's settings changed (CategoryId, Categories = true), or text
/// was hidden, deleted or erased (ThreadId or Threads alone: every server drops its cached copies).
/// </summary>
public sealed record ForumAccessChanged(long? ThreadId, int? CategoryId, bool Categories, IReadOnlyList<long>? Threads = null);

/// <summary>
/// Who may stay in which forum group. A connection is checked when it joins a thread, a category or the moderation queue;
/// this re-checks it when what it joined becomes private (a move, a category permission change) or when its member's
/// roles change, and removes it from every group it may no longer read — before the next message to that group goes out.
/// </summary>
public sealed class ForumLiveAccess(ForumReader reader, LiveConnections connections, IHubContext<LiveHub> hub, IThreadPresence presence)
    : ILiveAccessCheck, IServerSignalHandler
{
    public const string Signal = "forumAccess";

    public string Method => Signal;

    /// <summary>The viewer a hub connection acts as now: its member and current roles (which follow role changes).</summary>
    public static ForumViewer ViewerOf(HubCallerContext context, LiveConnections connections) =>
        connections.Get(context.ConnectionId) is { } connection ? ViewerOf(connection) : ForumViewer.From(context.User);

    private static ForumViewer ViewerOf(LiveConnection connection) =>
        new ForumViewer(connection.MemberId, connection.Roles).WithSegmentOf(connection.Context.User);

    public async Task HandleAsync(JsonElement payload)
    {
        var change = payload.Deserialize<ForumAccessChanged>(JsonSerializerOptions.Web);
        if (change is null) return;
        // Every server drops what it cached, not only the one that made the change.
        if (change.Categories) reader.CategoriesChanged();
        foreach (var id in change.Threads ?? []) reader.ThreadChanged(id);
        if (change.ThreadId is { } threadId)
        {
            reader.ThreadChanged(threadId);
            if (change.CategoryId is { } categoryId)
            {
                var group = ForumLive.Thread(threadId);
                foreach (var connection in connections.All)
                {
                    if (connection.Groups.ContainsKey(group)) connection.Groups[group] = categoryId;
                }
            }
        }
        if (change.Categories || change.CategoryId is not null) await RecheckAsync([.. connections.All]);
    }

    public async Task RecheckAsync(IReadOnlyCollection<LiveConnection> changed)
    {
        if (changed.Count == 0) return;
        var categories = await reader.CategoriesAsync();
        foreach (var connection in changed)
        {
            var viewer = ViewerOf(connection);
            foreach (var (group, scope) in connection.Groups)
            {
                if (!Allowed(group, scope, viewer, categories)) await LeaveAsync(connection, group);
            }
            // A moderator watching the queue also starts seeing flags of categories that became readable.
            if (connection.Groups.ContainsKey(ForumLive.ModQueue)) await JoinModCategoriesAsync(connection.Id, connection, viewer, categories);
        }
    }

    /// <summary>Records a group the connection was allowed into, with the category that allowed it.</summary>
    public static void Joined(LiveConnections connections, string connectionId, string group, int categoryId)
    {
        if (connections.Get(connectionId) is { } connection) connection.Groups[group] = categoryId;
    }

    public static void Left(LiveConnections connections, string connectionId, string group)
    {
        if (connections.Get(connectionId) is { } connection) connection.Groups.TryRemove(group, out _);
    }

    /// <summary>Adds the connection to the queue group of every category the moderator may read.</summary>
    public async Task JoinModCategoriesAsync(string connectionId, LiveConnection? connection, ForumViewer viewer,
        IReadOnlyDictionary<int, CategoryInfo> categories)
    {
        foreach (var category in categories.Values.Where(viewer.CanRead))
        {
            var group = ForumLive.ModQueueFor(category.Id);
            if (connection?.Groups.ContainsKey(group) == true) continue;
            if (connection is not null) connection.Groups[group] = category.Id;
            await hub.Groups.AddToGroupAsync(connectionId, group);
        }
    }

    private static bool Allowed(string group, int scope, ForumViewer viewer, IReadOnlyDictionary<int, CategoryInfo> categories)
    {
        if (group == ForumLive.ModQueue) return viewer.IsModerator;
        var readable = categories.TryGetValue(scope, out var category) && viewer.CanRead(category);
        return group.StartsWith(ForumLive.ModQueue + ":", StringComparison.Ordinal) ? readable && viewer.IsModerator : readable;
    }

    private async Task LeaveAsync(LiveConnection connection, string group)
    {
        connection.Groups.TryRemove(group, out _);
        await hub.Groups.RemoveFromGroupAsync(connection.Id, group);
        if (ForumLive.ThreadIdOf(group) is { } threadId)
        {
            presence.Leave(connection.Id, threadId);
            // To this reader the thread is gone: the page says so instead of silently going quiet.
            await hub.Clients.Client(connection.Id).SendAsync(ForumLive.ThreadDeleted, new ThreadDeletedEvent(threadId));
        }
    }
}
