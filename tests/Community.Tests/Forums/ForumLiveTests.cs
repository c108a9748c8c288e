using Community.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;

namespace Community.Tests.Forums;

/// <summary>Live delivery through the real hub protocol: replies, updates, typing, presence and private groups.</summary>
public sealed class ForumLiveTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private Task<string> CookieAsync(ApiClient member) =>
        Cookies.SignInAsync(factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }), member.Current!.Email);

    [Fact]
    public async Task Reply_appears_live_for_other_viewers_with_its_seq()
    {
        using var admin = await factory.MemberAsync("Admin Live", "Admin");
        using var writer = await factory.MemberAsync("Writer Live");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(writer, category.Id);
        await using var anonymous = await HubClient.ConnectAsync(factory);
        await using var viewer = await HubClient.ConnectAsync(factory, await CookieAsync(admin));
        Assert.Equal(1, (await anonymous.InvokeAsync("JoinThread", created.Thread.Id)).GetInt32());
        Assert.Equal(2, (await viewer.InvokeAsync("JoinThread", created.Thread.Id)).GetInt32());
        await anonymous.InvokeAsync("JoinCategory", category.Id);

        var reply = await Forum.ReplyAsync(writer, created.Thread.Id, "live **hello**");

        var live = await anonymous.WaitForAsync("postCreated", p => p.GetProperty("seq").GetInt32() == 2);
        Assert.Equal(reply.Id, live.GetProperty("id").GetInt64());
        Assert.Equal(created.Thread.Id, live.GetProperty("threadId").GetInt64());
        Assert.Contains("<strong>hello</strong>", live.GetProperty("html").GetString(), StringComparison.Ordinal);
        await viewer.WaitForAsync("postCreated", p => p.GetProperty("seq").GetInt32() == 2);
        var activity = await anonymous.WaitForAsync("threadActivity", e => e.GetProperty("thread").GetProperty("id").GetInt64() == created.Thread.Id);
        Assert.Equal(2, activity.GetProperty("thread").GetProperty("lastSeq").GetInt32());

        await writer.PostAsync($"/api/posts/{reply.Id}/reactions", new { kind = "tada" });
        var updated = await viewer.WaitForAsync("postUpdated", p => p.GetProperty("seq").GetInt32() == 2);
        Assert.Equal(1, updated.GetProperty("reactions").GetProperty("tada").GetInt32());
        Assert.True(updated.GetProperty("version").GetInt64() > live.GetProperty("version").GetInt64());

        var viewers = await anonymous.WaitForAsync("viewers", e => e.GetProperty("threadId").GetInt64() == created.Thread.Id && e.GetProperty("count").GetInt32() == 2, TimeSpan.FromSeconds(5));
        Assert.Equal(2, viewers.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Typing_is_broadcast_with_the_display_name_and_throttled()
    {
        using var admin = await factory.MemberAsync("Admin Typing", "Admin");
        using var typist = await factory.MemberAsync("Typing Tess");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id);
        await using var watcher = await HubClient.ConnectAsync(factory);
        await using var tess = await HubClient.ConnectAsync(factory, await CookieAsync(typist));
        await watcher.InvokeAsync("JoinThread", created.Thread.Id);
        await tess.InvokeAsync("JoinThread", created.Thread.Id);

        await tess.InvokeAsync("Typing", created.Thread.Id);
        await tess.InvokeAsync("Typing", created.Thread.Id);
        var typing = await watcher.WaitForAsync("typing");
        Assert.Equal("Typing Tess", typing.GetProperty("displayName").GetString());
        // Sentinel on the same thread: a reply published after both typing calls returned; a second "typing" would precede it.
        var reply = await Forum.ReplyAsync(admin, created.Thread.Id, "after the typing");
        await watcher.WaitForAsync("postCreated", p => p.GetProperty("id").GetInt64() == reply.Id);
        Assert.Single(watcher.Received("typing"));
    }

    [Fact]
    public async Task Joining_a_private_thread_or_the_mod_queue_without_the_role_is_refused()
    {
        using var admin = await factory.MemberAsync("Admin Join", "Admin");
        using var member = await factory.MemberAsync("Member Join");
        using var moderator = await factory.MemberAsync("Mod Join", "Moderator");
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var secret = await Forum.ThreadAsync(admin, staff.Id, "Staff thread");
        await using var outsider = await HubClient.ConnectAsync(factory, await CookieAsync(member));
        await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync("JoinThread", secret.Thread.Id));
        await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync("JoinCategory", staff.Id));
        await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync("JoinModQueue"));

        await using var mod = await HubClient.ConnectAsync(factory, await CookieAsync(moderator));
        await mod.InvokeAsync("JoinThread", secret.Thread.Id);
        await mod.InvokeAsync("JoinModQueue");
        var post = await Forum.ReplyAsync(admin, secret.Thread.Id, "for staff eyes");
        await mod.WaitForAsync("postCreated", p => p.GetProperty("id").GetInt64() == post.Id);
        var open = await Forum.CategoryAsync(admin);
        await LiveSentinel.ReachAsync(admin, open.Id, outsider);
        Assert.DoesNotContain(outsider.Received("postCreated"), p => p.GetProperty("id").GetInt64() == post.Id);

        var thread = await Forum.ThreadAsync(admin, open.Id);
        await member.PostAsync($"/api/posts/{thread.Post.Id}/flags", new { reason = "Looks like spam" });
        var flag = await mod.WaitForAsync("flagCreated", f => f.GetProperty("postId").GetInt64() == thread.Post.Id);
        Assert.Equal("Looks like spam", flag.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_client_that_missed_events_catches_up_by_seq_exactly_once()
    {
        using var admin = await factory.MemberAsync("Admin Catchup", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id);
        await Forum.ReplyAsync(admin, created.Thread.Id, "seen");
        using var reader = factory.CreateApiClient();
        var seen = await Forum.WindowAsync(reader, created.Thread.Id);
        var lastSeen = seen.Posts[^1].Seq;

        // Offline: three replies are posted while nobody listens.
        for (var i = 0; i < 3; i++) await Forum.ReplyAsync(admin, created.Thread.Id, $"missed {i}");

        await using var back = await HubClient.ConnectAsync(factory);
        await back.InvokeAsync("JoinThread", created.Thread.Id);
        var missed = await Forum.WindowAsync(reader, created.Thread.Id, lastSeen);
        Assert.Equal([3, 4, 5], missed.Posts.Select(p => p.Seq));
        Assert.Equal(["<p>missed 0</p>\n", "<p>missed 1</p>\n", "<p>missed 2</p>\n"], missed.Posts.Select(p => p.Html));
    }

    [Fact]
    public async Task The_member_group_receives_notifications_live()
    {
        using var admin = await factory.MemberAsync("Admin Notify", "Admin");
        using var ana = await factory.MemberAsync("Notified Ana");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(ana, category.Id, "Ana asks");
        await using var hub = await HubClient.ConnectAsync(factory, await CookieAsync(ana));
        await Forum.ReplyAsync(admin, created.Thread.Id, "An answer for you");
        var note = await hub.WaitForAsync("notification");
        Assert.Equal("reply", note.GetProperty("kind").GetString());
        Assert.EndsWith("#p2", note.GetProperty("url").GetString(), StringComparison.Ordinal);
    }
}
