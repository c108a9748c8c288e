using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

public sealed record ReactionMark(int Seq, string Kind);
public sealed record ViewerStateView(int LastReadSeq, bool Watching, List<ReactionMark> Reactions, bool CanModerate, bool CanReply, string? UserName);

/// <summary>GET /api/threads/{id}/me is served from memory after the first call: every change must still show at once.</summary>
public sealed class ViewerStateTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private static async Task<ViewerStateView> StateAsync(ApiClient client, long threadId) =>
        await ApiClient.ReadAsync<ViewerStateView>(await client.GetAsync($"/api/threads/{threadId}/me"));

    [Fact]
    public async Task Me_follows_the_members_read_mark_watching_and_reactions_and_never_shows_another_members()
    {
        using var admin = await factory.MemberAsync("State Admin", "Admin");
        using var ana = await factory.MemberAsync("State Ana");
        using var ben = await factory.MemberAsync("State Ben");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id);
        var replies = new List<PostView>();
        for (var i = 0; i < 60; i++) replies.Add(await Forum.ReplyAsync(admin, created.Thread.Id, $"reply {i}"));
        var id = created.Thread.Id;

        var first = await StateAsync(ana, id);
        Assert.Equal((0, false), (first.LastReadSeq, first.Watching));
        Assert.Empty(first.Reactions);
        Assert.True(first.CanReply);

        // Reactions anywhere in the thread come back in one call, not only in the first window.
        await ApiClient.ReadAsync<PostView>(await ana.PostAsync($"/api/posts/{replies[0].Id}/reactions", new { kind = "like" }), HttpStatusCode.Created);
        await ApiClient.ReadAsync<PostView>(await ana.PostAsync($"/api/posts/{replies[59].Id}/reactions", new { kind = "heart" }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await ana.PutAsync($"/api/threads/{id}/read", new { seq = 40 })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ana.PutAsync($"/api/threads/{id}/watch")).StatusCode);
        var state = await StateAsync(ana, id);
        Assert.Equal([new ReactionMark(replies[0].Seq, "like"), new ReactionMark(replies[59].Seq, "heart")], state.Reactions);
        Assert.Equal((40, true), (state.LastReadSeq, state.Watching));

        Assert.Equal(HttpStatusCode.NoContent, (await ana.PutAsync($"/api/threads/{id}/read", new { seq = 55 })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ana.PutAsync($"/api/threads/{id}/read", new { seq = 10 })).StatusCode); // never backwards
        Assert.Equal(HttpStatusCode.OK, (await ana.DeleteAsync($"/api/posts/{replies[0].Id}/reactions/like")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ana.DeleteAsync($"/api/threads/{id}/watch")).StatusCode);
        state = await StateAsync(ana, id);
        Assert.Equal((55, false), (state.LastReadSeq, state.Watching));
        Assert.Equal([new ReactionMark(replies[59].Seq, "heart")], state.Reactions);

        var other = await StateAsync(ben, id);
        Assert.Equal((0, false), (other.LastReadSeq, other.Watching));
        Assert.Empty(other.Reactions);
        Assert.Equal(ben.Current!.UserName, other.UserName);

        // Replying marks the author's own reply read and watches the thread.
        await Forum.ReplyAsync(ben, id, "ben was here");
        other = await StateAsync(ben, id);
        Assert.Equal((62, true), (other.LastReadSeq, other.Watching));
    }

    [Fact]
    public async Task Me_refuses_a_thread_in_a_category_the_member_cannot_read()
    {
        using var admin = await factory.MemberAsync("Private Admin", "Admin");
        using var member = await factory.MemberAsync("Private Member");
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var created = await Forum.ThreadAsync(admin, staff.Id);
        await ApiClient.ProblemAsync(await member.GetAsync($"/api/threads/{created.Thread.Id}/me"), HttpStatusCode.NotFound);
        Assert.True((await StateAsync(admin, created.Thread.Id)).CanModerate);
    }
}
