using Community.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Community.Tests.Forums;

/// <summary>Issue #9 (3, 7): live groups and the moderation queue follow what each connection may read now.</summary>
public sealed class PrivateLiveGroupTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private async Task<HubClient> HubAsync(ApiClient member) =>
        await HubClient.ConnectAsync(factory, (await CookieSession.SignInAsync(factory, member.Current!.Email)).Header);

    [Fact]
    public async Task Live_posts_stop_reaching_viewers_once_the_thread_moves_into_a_private_category()
    {
        using var admin = await factory.MemberAsync("Admin Mover", "Admin");
        using var moderator = await factory.MemberAsync("Mod Mover", "Moderator");
        using var member = await factory.MemberAsync("Member Watcher");
        var open = await Forum.CategoryAsync(admin);
        var lounge = await Forum.CategoryAsync(admin, false, "Moderator");
        var thread = await Forum.ThreadAsync(member, open.Id, "Started in public");
        await using var anonymous = await HubClient.ConnectAsync(factory);
        await using var watcher = await HubAsync(member);
        await using var staff = await HubAsync(moderator);
        foreach (var hub in new[] { anonymous, watcher, staff }) await hub.InvokeAsync("JoinThread", thread.Thread.Id);

        var moved = await moderator.PatchAsync($"/api/threads/{thread.Thread.Id}", new { categoryId = lounge.Id, reason = "Staff matter" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var secret = await Forum.ReplyAsync(admin, thread.Thread.Id, "Now **private** details");

        await staff.WaitForAsync("postCreated", p => p.GetProperty("id").GetInt64() == secret.Id);
        await anonymous.WaitForAsync("threadDeleted", e => e.GetProperty("threadId").GetInt64() == thread.Thread.Id);
        await watcher.WaitForAsync("threadDeleted", e => e.GetProperty("threadId").GetInt64() == thread.Thread.Id);
        // threadDeleted came before the secret reply was even posted: only a later message shows the reply is not coming.
        await LiveSentinel.ReachAsync(admin, open.Id, anonymous, watcher);
        Assert.DoesNotContain(anonymous.Received("postCreated"), p => p.GetProperty("id").GetInt64() == secret.Id);
        Assert.DoesNotContain(watcher.Received("postCreated"), p => p.GetProperty("id").GetInt64() == secret.Id);
        Assert.DoesNotContain(anonymous.Received("threadUpdated"), t => t.GetProperty("id").GetInt64() == thread.Thread.Id);
        Assert.Empty(staff.Received("threadDeleted")); // it would have come with the move, before the secret reply staff waited for
        await Assert.ThrowsAsync<HubException>(() => watcher.InvokeAsync("JoinThread", thread.Thread.Id));
    }

    [Fact]
    public async Task Making_a_category_private_removes_live_viewers_who_cannot_read_it()
    {
        using var admin = await factory.MemberAsync("Admin Closer", "Admin");
        using var member = await factory.MemberAsync("Member Closer");
        var category = await Forum.CategoryAsync(admin);
        var open = await Forum.CategoryAsync(admin);
        var thread = await Forum.ThreadAsync(admin, category.Id, "Soon private");
        await using var anonymous = await HubClient.ConnectAsync(factory);
        await using var watcher = await HubAsync(member);
        await using var control = await HubAsync(admin);
        foreach (var hub in new[] { anonymous, watcher, control })
        {
            await hub.InvokeAsync("JoinThread", thread.Thread.Id);
            await hub.InvokeAsync("JoinCategory", category.Id);
        }

        var patched = await admin.PatchAsync($"/api/categories/{category.Id}", new { readRoles = new[] { "Moderator" } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var secret = await Forum.ReplyAsync(admin, thread.Thread.Id, "Moderators only from now on");

        await control.WaitForAsync("postCreated", p => p.GetProperty("id").GetInt64() == secret.Id);
        await control.WaitForAsync("threadActivity", e => e.GetProperty("thread").GetProperty("lastSeq").GetInt32() == 2);
        await LiveSentinel.ReachAsync(admin, open.Id, anonymous, watcher);
        foreach (var outsider in new[] { anonymous, watcher })
        {
            Assert.DoesNotContain(outsider.Received("postCreated"), p => p.GetProperty("id").GetInt64() == secret.Id);
            Assert.DoesNotContain(outsider.Received("threadActivity"), e => e.GetProperty("thread").GetProperty("id").GetInt64() == thread.Thread.Id);
        }
    }

    [Fact]
    public async Task Moderators_see_flags_only_from_categories_they_can_read()
    {
        using var admin = await factory.MemberAsync("Admin Flags", "Admin");
        using var moderator = await factory.MemberAsync("Mod Flags", "Moderator");
        using var marketer = await factory.MemberAsync("Marketer Flags", "Marketing");
        var marketingOnly = await Forum.CategoryAsync(admin, false, "Marketing");
        var open = await Forum.CategoryAsync(admin);
        var hidden = await Forum.ThreadAsync(admin, marketingOnly.Id, "Launch plan codename Falcon", "Embargoed until March");
        var visible = await Forum.ThreadAsync(admin, open.Id, "Public question");
        await using var modHub = await HubAsync(moderator);
        await using var adminHub = await HubAsync(admin);
        await modHub.InvokeAsync("JoinModQueue");
        await adminHub.InvokeAsync("JoinModQueue");

        await marketer.PostAsync($"/api/posts/{hidden.Post.Id}/flags", new { reason = "Leaks the launch" });
        await marketer.PostAsync($"/api/posts/{visible.Post.Id}/flags", new { reason = "Off topic" });

        await adminHub.WaitForAsync("flagCreated", f => f.GetProperty("postId").GetInt64() == hidden.Post.Id);
        // The visible flag is the sentinel: raised after the hidden one, on the same path, so the hidden one would be here by now.
        await modHub.WaitForAsync("flagCreated", f => f.GetProperty("postId").GetInt64() == visible.Post.Id);
        Assert.DoesNotContain(modHub.Received("flagCreated"), f => f.GetProperty("postId").GetInt64() == hidden.Post.Id);

        var queue = await (await moderator.GetAsync("/api/mod/flags")).Content.ReadAsStringAsync();
        Assert.Contains("Public question", queue, StringComparison.Ordinal);
        Assert.DoesNotContain("Falcon", queue, StringComparison.Ordinal);
        Assert.DoesNotContain("Embargoed", queue, StringComparison.Ordinal);
        var adminQueue = await (await admin.GetAsync("/api/mod/flags")).Content.ReadAsStringAsync();
        Assert.Contains("Falcon", adminQueue, StringComparison.Ordinal);

        // Acting on a flag they cannot read does nothing; it stays open for someone who can.
        var flagId = System.Text.Json.JsonDocument.Parse(adminQueue).RootElement.EnumerateArray()
            .First(f => f.GetProperty("postId").GetInt64() == hidden.Post.Id).GetProperty("id").GetInt64();
        var resolve = await moderator.PostAsync("/api/mod/flags/resolve", new { ids = new[] { flagId }, action = "dismiss" });
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        Assert.Contains("Falcon", await (await admin.GetAsync("/api/mod/flags")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
