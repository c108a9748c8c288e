using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>
/// Proves a live message did NOT arrive without sleeping: after the action that must not deliver, a reply that must
/// deliver. The server sends to each connection in the order it published (one dispatcher, one queue per connection)
/// and the client hands messages over in the order they came, so once the sentinel is here, anything published before
/// it is here too: an assertion that something is absent, made after this, cannot pass just because it was late.
/// </summary>
public static class LiveSentinel
{
    /// <summary>Each hub joins a new thread in the public category <paramref name="categoryId"/>; a reply there must reach all of them.</summary>
    public static async Task ReachAsync(ApiClient author, int categoryId, params HubClient[] hubs)
    {
        var thread = await Forum.ThreadAsync(author, categoryId, "Sentinel", "Everyone may read this");
        foreach (var hub in hubs) await hub.InvokeAsync("JoinThread", thread.Thread.Id);
        var reply = await Forum.ReplyAsync(author, thread.Thread.Id, "sentinel");
        foreach (var hub in hubs) await hub.WaitForAsync("postCreated", p => p.GetProperty("id").GetInt64() == reply.Id);
    }
}
