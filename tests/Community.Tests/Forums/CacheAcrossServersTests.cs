using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>Two servers on one PostgreSQL database: a write on one must retire what the other holds in memory.</summary>
public sealed class CacheAcrossServersTests
{
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        for (;;)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(50);
        }
    }

    [PostgresFact]
    public async Task Reading_state_and_thread_windows_cached_on_one_server_follow_writes_made_on_another()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresForumFactory(database.ConnectionString);
        await using var b = new PostgresForumFactory(database.ConnectionString);
        using var admin = await a.MemberAsync("Across Admin", "Admin");
        using var anaOnA = await a.MemberAsync("Across Ana");
        using var anaOnB = b.CreateApiClient();
        await anaOnB.SignInAsync(anaOnA.Current!.Email);
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id);
        var reply = await Forum.ReplyAsync(admin, created.Thread.Id, "first reply");
        var id = created.Thread.Id;

        // B caches the window and Ana's state.
        Assert.Equal(2, (await Forum.WindowAsync(anaOnB, id)).Posts.Count);
        var me = await ApiClient.ReadAsync<ViewerStateView>(await anaOnB.GetAsync($"/api/threads/{id}/me"));
        Assert.Equal(0, me.LastReadSeq);

        await Forum.ReplyAsync(admin, id, "second reply, posted on A");
        Assert.Equal(HttpStatusCode.NoContent, (await anaOnA.PutAsync($"/api/threads/{id}/read", new { seq = 2 })).StatusCode);
        await ApiClient.ReadAsync<PostView>(await anaOnA.PostAsync($"/api/posts/{reply.Id}/reactions", new { kind = "tada" }), HttpStatusCode.Created);

        var window = await EventuallyAsync(() => Forum.WindowAsync(anaOnB, id), w => w.Posts.Count == 3);
        Assert.Equal(3, window.Posts.Count);
        me = await EventuallyAsync(async () => await ApiClient.ReadAsync<ViewerStateView>(await anaOnB.GetAsync($"/api/threads/{id}/me")),
            s => s.LastReadSeq == 2 && s.Reactions.Count == 1);
        Assert.Equal(2, me.LastReadSeq);
        Assert.Equal([new ReactionMark(2, "tada")], me.Reactions);
    }
}
