using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Features.Forums;

/// <summary>
/// The forums' hub methods: joining thread, category and moderation-queue groups, typing and presence. Served at the
/// site's one hub address (see <see cref="LiveHub"/>), so pages call them on their single connection. Writes never come
/// through here: they use the HTTP API.
/// </summary>
public sealed class ForumHub : LiveHub
{
    private const string NoThread = "No such thread, or you cannot see it.";

    /// <summary>Joins thread:{id} after checking the caller may read it; returns the current viewer count.</summary>
    public async Task<int> JoinThread(long threadId, ForumReader reader, IThreadPresence presence, LiveConnections connections)
    {
        var group = ForumLive.Thread(threadId);
        if (await reader.ThreadAsync(threadId, ForumLiveAccess.ViewerOf(Context, connections)) is not { } found) throw new HubException(NoThread);
        // Recorded before joining, so a move or role change from now on finds this connection and re-checks it.
        ForumLiveAccess.Joined(connections, Context.ConnectionId, group, found.Category.Id);
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
        // One that landed between the check above and the record would have been missed: check again.
        if (await reader.ThreadAsync(threadId, ForumLiveAccess.ViewerOf(Context, connections)) is not { } again)
        {
            await LeaveThread(threadId, presence, connections);
            throw new HubException(NoThread);
        }
        ForumLiveAccess.Joined(connections, Context.ConnectionId, group, again.Category.Id);
        return presence.Join(Context.ConnectionId, threadId);
    }

    public async Task LeaveThread(long threadId, IThreadPresence presence, LiveConnections connections)
    {
        ForumLiveAccess.Left(connections, Context.ConnectionId, ForumLive.Thread(threadId));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, ForumLive.Thread(threadId));
        presence.Leave(Context.ConnectionId, threadId);
    }

    /// <summary>Tells the others in the thread that the caller is typing (throttled; members only).</summary>
    public async Task Typing(long threadId, IThreadPresence presence, ILiveBus bus, TimeProvider clock, ForumOptions options, ForumReader reader)
    {
        var viewer = ForumViewer.From(Context.User);
        if (viewer.MemberId is null || !presence.IsViewing(Context.ConnectionId, threadId)) return;
        if (!presence.TryType(Context.ConnectionId, threadId, TimeSpan.FromMilliseconds(options.TypingThrottleMilliseconds),
            clock.GetUtcNow())) return;
        var member = await reader.AuthorAsync(viewer.MemberId, Context.ConnectionAborted);
        await bus.PublishAsync(ForumLive.Thread(threadId), ForumLive.Typing, new TypingEvent(threadId, member.UserName, member.DisplayName));
    }

    public async Task JoinCategory(int categoryId, ForumReader reader, LiveConnections connections)
    {
        var group = ForumLive.Category(categoryId);
        for (var pass = 0; pass < 2; pass++)
        {
            // Second pass: the same check after joining, for a permission change that landed in between.
            var categories = await reader.CategoriesAsync();
            if (!categories.TryGetValue(categoryId, out var category) || !ForumLiveAccess.ViewerOf(Context, connections).CanRead(category))
            {
                await LeaveCategory(categoryId, connections);
                throw new HubException("No such category, or you cannot see it.");
            }
            ForumLiveAccess.Joined(connections, Context.ConnectionId, group, categoryId);
            if (pass == 0) await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }
    }

    public Task LeaveCategory(int categoryId, LiveConnections connections)
    {
        ForumLiveAccess.Left(connections, Context.ConnectionId, ForumLive.Category(categoryId));
        return Groups.RemoveFromGroupAsync(Context.ConnectionId, ForumLive.Category(categoryId));
    }

    /// <summary>Moderators get resolutions of the whole queue, and new flags only of the categories they may read.</summary>
    public async Task JoinModQueue(ForumReader reader, LiveConnections connections, ForumLiveAccess access)
    {
        var viewer = ForumLiveAccess.ViewerOf(Context, connections);
        if (!viewer.IsModerator) throw new HubException("Only moderators can watch the queue.");
        ForumLiveAccess.Joined(connections, Context.ConnectionId, ForumLive.ModQueue, 0);
        await Groups.AddToGroupAsync(Context.ConnectionId, ForumLive.ModQueue);
        var connection = connections.Get(Context.ConnectionId);
        await access.JoinModCategoriesAsync(Context.ConnectionId, connection, viewer, await reader.CategoriesAsync());
        // A role change between the check and the joins would have found only part of them: check the whole set once more.
        if (connection is not null) await access.RecheckAsync([connection]);
    }
}
