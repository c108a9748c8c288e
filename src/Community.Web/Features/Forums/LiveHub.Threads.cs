using Community.Web.Features.Forums;
using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Infrastructure.Live;

/// <summary>Forum delivery, typing and presence. Writes never come through here: they use the HTTP API.</summary>
public sealed partial class LiveHub
{
    /// <summary>Joins thread:{id} after checking the caller may read it; returns the current viewer count.</summary>
    public async Task<int> JoinThread(long threadId, ForumReader reader, IThreadPresence presence)
    {
        if (await reader.ThreadAsync(threadId, ForumViewer.From(Context.User)) is null) throw new HubException("No such thread, or you cannot see it.");
        await Groups.AddToGroupAsync(Context.ConnectionId, ForumLive.Thread(threadId));
        return presence.Join(Context.ConnectionId, threadId);
    }

    public async Task LeaveThread(long threadId, IThreadPresence presence)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, ForumLive.Thread(threadId));
        presence.Leave(Context.ConnectionId, threadId);
    }

    /// <summary>Tells the others in the thread that the caller is typing (throttled; members only).</summary>
    public async Task Typing(long threadId, IThreadPresence presence, ILiveBus bus, TimeProvider clock, ForumOptions options, ForumReader reader)
    {
        var viewer = ForumViewer.From(Context.User);
        if (viewer.MemberId is null || !presence.IsViewing(Context.ConnectionId, threadId)) return;
        if (!presence.TryType(Context.ConnectionId, threadId, TimeSpan.FromMilliseconds(options.TypingThrottleMilliseconds), clock.GetUtcNow())) return;
        var member = await reader.AuthorAsync(viewer.MemberId, Context.ConnectionAborted);
        await bus.PublishAsync(ForumLive.Thread(threadId), ForumLive.Typing, new TypingEvent(threadId, member.UserName, member.DisplayName));
    }

    public async Task JoinCategory(int categoryId, ForumReader reader)
    {
        var categories = await reader.CategoriesAsync();
        if (!categories.TryGetValue(categoryId, out var category) || !ForumViewer.From(Context.User).CanRead(category))
            throw new HubException("No such category, or you cannot see it.");
        await Groups.AddToGroupAsync(Context.ConnectionId, ForumLive.Category(categoryId));
    }

    public Task LeaveCategory(int categoryId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, ForumLive.Category(categoryId));

    public async Task JoinModQueue()
    {
        if (!ForumViewer.From(Context.User).IsModerator) throw new HubException("Only moderators can watch the queue.");
        await Groups.AddToGroupAsync(Context.ConnectionId, ForumLive.ModQueue);
    }
}
