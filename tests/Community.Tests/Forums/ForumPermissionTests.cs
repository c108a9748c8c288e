using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>The permission matrix: anonymous, member, author, moderator and admin against each forum action.</summary>
public sealed class ForumPermissionTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    [Fact]
    public async Task Anonymous_can_read_public_threads_but_not_write()
    {
        using var admin = await factory.MemberAsync("Admin Perm", "Admin");
        using var author = await factory.MemberAsync("Author Perm");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(author, category.Id);
        using var anonymous = factory.CreateApiClient();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/threads/{created.Thread.Id}")).StatusCode);
        var window = await Forum.WindowAsync(anonymous, created.Thread.Id);
        Assert.Single(window.Posts);
        await ApiClient.ProblemAsync(await anonymous.PostAsync($"/api/threads/{created.Thread.Id}/posts", new { body = "hi" }), HttpStatusCode.Unauthorized);
        await ApiClient.ProblemAsync(await anonymous.PostAsync("/api/threads", new { categoryId = category.Id, title = "Hello there", body = "x" }), HttpStatusCode.Unauthorized);
        await ApiClient.ProblemAsync(await anonymous.PostAsync($"/api/posts/{created.Post.Id}/reactions", new { kind = "like" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Only_the_author_or_a_moderator_edits_and_deletes_a_post()
    {
        using var admin = await factory.MemberAsync("Admin Edit", "Admin");
        using var author = await factory.MemberAsync("Author Edit");
        using var other = await factory.MemberAsync("Other Edit");
        using var moderator = await factory.MemberAsync("Mod Edit", "Moderator");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(author, category.Id);
        var reply = await Forum.ReplyAsync(author, created.Thread.Id, "original text");

        await ApiClient.ProblemAsync(await other.PutAsync($"/api/posts/{reply.Id}", new { body = "vandalised" }), HttpStatusCode.Forbidden);
        await ApiClient.ProblemAsync(await other.DeleteAsync($"/api/posts/{reply.Id}"), HttpStatusCode.Forbidden);

        var edited = await ApiClient.ReadAsync<PostView>(await author.PutAsync($"/api/posts/{reply.Id}", new { body = "better text" }));
        Assert.Contains("better text", edited.Html, StringComparison.Ordinal);
        Assert.NotNull(edited.EditedAt);
        Assert.True(edited.Version > reply.Version);
        var history = await ApiClient.ReadAsync<List<Dictionary<string, object>>>(await other.GetAsync($"/api/posts/{reply.Id}/revisions"));
        Assert.Equal("original text", history.Single()["body"].ToString());

        await ApiClient.ReadAsync<PostView>(await moderator.PutAsync($"/api/posts/{reply.Id}", new { body = "moderated text" }));
        Assert.Equal(HttpStatusCode.NoContent, (await author.DeleteAsync($"/api/posts/{reply.Id}")).StatusCode);
        await ApiClient.ProblemAsync(await author.DeleteAsync($"/api/posts/{reply.Id}"), HttpStatusCode.Conflict);
        var window = await Forum.WindowAsync(author, created.Thread.Id);
        var deleted = window.Posts.Single(p => p.Seq == 2);
        Assert.True(deleted.Deleted);
        Assert.Equal("", deleted.Html);
    }

    [Fact]
    public async Task Moderation_actions_need_a_moderator_and_are_audited()
    {
        using var admin = await factory.MemberAsync("Admin Mod", "Admin");
        using var author = await factory.MemberAsync("Author Mod");
        using var member = await factory.MemberAsync("Member Mod");
        using var moderator = await factory.MemberAsync("Mod Mod", "Moderator");
        var category = await Forum.CategoryAsync(admin);
        var other = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(author, category.Id);
        var reply = await Forum.ReplyAsync(member, created.Thread.Id, "spam spam");
        var id = created.Thread.Id;

        foreach (var client in new[] { author, member })
        {
            await ApiClient.ProblemAsync(await client.PostAsync($"/api/posts/{reply.Id}/hide", new { reason = "x" }), HttpStatusCode.Forbidden);
            await ApiClient.ProblemAsync(await client.PatchAsync($"/api/threads/{id}", new { locked = true }), HttpStatusCode.Forbidden);
            await ApiClient.ProblemAsync(await client.PatchAsync($"/api/threads/{id}", new { pinned = true }), HttpStatusCode.Forbidden);
            await ApiClient.ProblemAsync(await client.PatchAsync($"/api/threads/{id}", new { categoryId = other.Id }), HttpStatusCode.Forbidden);
            await ApiClient.ProblemAsync(await client.GetAsync("/api/mod/flags"), HttpStatusCode.Forbidden);
        }
        await ApiClient.ProblemAsync(await member.DeleteAsync($"/api/threads/{id}"), HttpStatusCode.Forbidden);
        await ApiClient.ProblemAsync(await author.DeleteAsync($"/api/threads/{id}"), HttpStatusCode.Forbidden); // has replies

        var hidden = await ApiClient.ReadAsync<PostView>(await moderator.PostAsync($"/api/posts/{reply.Id}/hide", new { reason = "Spam" }));
        Assert.True(hidden.Hidden);
        Assert.Equal("", hidden.Html);
        var publicWindow = await Forum.WindowAsync(factory.CreateApiClient(), id);
        Assert.Equal("", publicWindow.Posts.Single(p => p.Seq == 2).Html);
        var modWindow = await Forum.WindowAsync(moderator, id);
        Assert.Contains("spam", modWindow.Posts.Single(p => p.Seq == 2).Html, StringComparison.Ordinal);

        var locked = await ApiClient.ReadAsync<ThreadView>(await moderator.PatchAsync($"/api/threads/{id}", new { locked = true, pinned = true, reason = "Heated" }));
        Assert.True(locked.Locked);
        Assert.True(locked.Pinned);
        await ApiClient.ProblemAsync(await member.PostAsync($"/api/threads/{id}/posts", new { body = "let me in" }), HttpStatusCode.Conflict);
        await ApiClient.ReadAsync<ThreadView>(await admin.PatchAsync($"/api/threads/{id}", new { categoryId = other.Id, reason = "Better fit" }));

        var audit = await ApiClient.ReadAsync<List<Dictionary<string, object>>>(await moderator.GetAsync("/api/mod/audit"));
        var actions = audit.Select(a => a["action"].ToString()).ToList();
        Assert.Contains("hide-post", actions);
        Assert.Contains("lock", actions);
        Assert.Contains("pin", actions);
        Assert.Contains("move", actions);
        Assert.Contains(audit, a => a["reason"].ToString() == "Spam" && a["moderator"].ToString() == "Mod Mod");

        Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/threads/{id}?reason=cleanup")).StatusCode);
        await ApiClient.ProblemAsync(await author.GetAsync($"/api/threads/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_admins_manage_categories()
    {
        using var moderator = await factory.MemberAsync("Mod Cat", "Moderator");
        await ApiClient.ProblemAsync(await moderator.PostAsync("/api/categories", new { name = "Nope" }), HttpStatusCode.Forbidden);
        using var admin = await factory.MemberAsync("Admin Cat", "Admin");
        var bad = await ApiClient.ProblemAsync(await admin.PostAsync("/api/categories", new { name = "X", slug = "Bad Slug!", readRoles = new[] { "Wizard" } }), HttpStatusCode.BadRequest);
        Assert.Contains("name", bad.Errors!.Keys);
        Assert.Contains("slug", bad.Errors!.Keys);
        Assert.Contains("readRoles", bad.Errors!.Keys);
    }

    [Fact]
    public async Task Private_categories_answer_404_to_outsiders_everywhere()
    {
        using var admin = await factory.MemberAsync("Admin Priv", "Admin");
        using var moderator = await factory.MemberAsync("Mod Priv", "Moderator");
        using var member = await factory.MemberAsync("Member Priv");
        using var anonymous = factory.CreateApiClient();
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var word = "zebra" + Guid.NewGuid().ToString("N")[..6];
        var created = await Forum.ThreadAsync(moderator, staff.Id, "Staff only " + word, "secret plans " + word);

        foreach (var outsider in new[] { member, anonymous })
        {
            await ApiClient.ProblemAsync(await outsider.GetAsync($"/api/threads/{created.Thread.Id}"), HttpStatusCode.NotFound);
            await ApiClient.ProblemAsync(await outsider.GetAsync($"/api/threads/{created.Thread.Id}/posts"), HttpStatusCode.NotFound);
            await ApiClient.ProblemAsync(await outsider.GetAsync($"/api/categories/{staff.Slug}/threads"), HttpStatusCode.NotFound);
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/t/{created.Thread.Id}/x")).StatusCode);
            var categories = await ApiClient.ReadAsync<List<CategoryView>>(await outsider.GetAsync("/api/categories"));
            Assert.DoesNotContain(categories, c => c.Id == staff.Id);
            var hits = await ApiClient.ReadAsync<List<HitView>>(await outsider.GetAsync($"/api/search?q={word}"));
            Assert.Empty(hits);
        }
        await ApiClient.ProblemAsync(await member.PostAsync($"/api/threads/{created.Thread.Id}/posts", new { body = "hello" }), HttpStatusCode.NotFound);
        await ApiClient.ProblemAsync(await member.PostAsync("/api/threads", new { categoryId = staff.Id, title = "Sneaky thread", body = "x" }), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.OK, (await moderator.GetAsync($"/api/threads/{created.Thread.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/threads/{created.Thread.Id}/posts")).StatusCode);
        var found = await ApiClient.ReadAsync<List<HitView>>(await moderator.GetAsync($"/api/search?q={word}"));
        Assert.Contains(found, h => h.ThreadId == created.Thread.Id);
        Assert.Contains("<mark>", found[0].Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reacting_or_flagging_twice_is_a_conflict()
    {
        using var admin = await factory.MemberAsync("Admin React", "Admin");
        using var author = await factory.MemberAsync("Author React");
        using var reader = await factory.MemberAsync("Reader React");
        using var moderator = await factory.MemberAsync("Mod React", "Moderator");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(author, category.Id);

        var reacted = await ApiClient.ReadAsync<PostView>(await reader.PostAsync($"/api/posts/{created.Post.Id}/reactions", new { kind = "like" }), HttpStatusCode.Created);
        Assert.Equal(1, reacted.Reactions["like"]);
        await ApiClient.ProblemAsync(await reader.PostAsync($"/api/posts/{created.Post.Id}/reactions", new { kind = "like" }), HttpStatusCode.Conflict);
        await ApiClient.ProblemAsync(await reader.PostAsync($"/api/posts/{created.Post.Id}/reactions", new { kind = "nuke" }), HttpStatusCode.BadRequest);
        var removed = await ApiClient.ReadAsync<PostView>(await reader.DeleteAsync($"/api/posts/{created.Post.Id}/reactions/like"));
        Assert.False(removed.Reactions.ContainsKey("like"));

        await ApiClient.ReadAsync<Dictionary<string, object>>(await reader.PostAsync($"/api/posts/{created.Post.Id}/flags", new { reason = "Off topic" }), HttpStatusCode.Created);
        await ApiClient.ProblemAsync(await reader.PostAsync($"/api/posts/{created.Post.Id}/flags", new { reason = "Off topic" }), HttpStatusCode.Conflict);
        await ApiClient.ProblemAsync(await reader.PostAsync($"/api/posts/{created.Post.Id}/flags", new { reason = "" }), HttpStatusCode.BadRequest);

        var queue = await ApiClient.ReadAsync<List<Dictionary<string, object>>>(await moderator.GetAsync("/api/mod/flags"));
        var flagId = queue.Where(f => f["postId"].ToString() == created.Post.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Select(f => f["id"].ToString()).Single();
        await ApiClient.ReadAsync<Dictionary<string, object>>(await moderator.PostAsync("/api/mod/flags/resolve", new { ids = new[] { long.Parse(flagId!, System.Globalization.CultureInfo.InvariantCulture) }, action = "hide", reason = "bulk" }));
        var window = await Forum.WindowAsync(reader, created.Thread.Id);
        Assert.True(window.Posts[0].Hidden);
    }

    [Fact]
    public async Task Only_the_asker_accepts_an_answer_in_QA_categories()
    {
        using var admin = await factory.MemberAsync("Admin QA", "Admin");
        using var asker = await factory.MemberAsync("Asker QA");
        using var helper = await factory.MemberAsync("Helper QA");
        var qa = await Forum.CategoryAsync(admin, qa: true);
        var plain = await Forum.CategoryAsync(admin);
        var question = await Forum.ThreadAsync(asker, qa.Id);
        var answer = await Forum.ReplyAsync(helper, question.Thread.Id, "Use the export button");

        await ApiClient.ProblemAsync(await helper.PostAsync($"/api/threads/{question.Thread.Id}/accept", new { seq = answer.Seq }), HttpStatusCode.Forbidden);
        var accepted = await ApiClient.ReadAsync<ThreadView>(await asker.PostAsync($"/api/threads/{question.Thread.Id}/accept", new { seq = answer.Seq }));
        Assert.Equal(2, accepted.AcceptedSeq);
        var notes = await ApiClient.ReadAsync<Dictionary<string, System.Text.Json.JsonElement>>(await helper.GetAsync("/api/notifications"));
        Assert.Contains("accepted", notes["items"].ToString(), StringComparison.Ordinal);

        var other = await Forum.ThreadAsync(asker, plain.Id);
        var reply = await Forum.ReplyAsync(helper, other.Thread.Id);
        await ApiClient.ProblemAsync(await asker.PostAsync($"/api/threads/{other.Thread.Id}/accept", new { seq = reply.Seq }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Silenced_members_cannot_post_and_suspended_members_cannot_sign_in()
    {
        using var admin = await factory.MemberAsync("Admin Sanction", "Admin");
        using var moderator = await factory.MemberAsync("Mod Sanction", "Moderator");
        using var loud = await factory.MemberAsync("Loud Member");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(loud, category.Id);

        await ApiClient.ProblemAsync(await loud.PostAsync($"/api/mod/members/{moderator.Current!.UserName}/sanctions", new { kind = "silence", days = 1, reason = "nope" }), HttpStatusCode.Forbidden);
        await ApiClient.ReadAsync<Dictionary<string, object>>(await moderator.PostAsync($"/api/mod/members/{loud.Current!.UserName}/sanctions",
            new { kind = "silence", days = 2, reason = "Cool off" }), HttpStatusCode.Created);
        await ApiClient.ProblemAsync(await loud.PostAsync($"/api/threads/{created.Thread.Id}/posts", new { body = "LOUD" }), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await loud.GetAsync($"/api/threads/{created.Thread.Id}")).StatusCode);

        await ApiClient.ReadAsync<Dictionary<string, object>>(await moderator.PostAsync($"/api/mod/members/{loud.Current!.UserName}/sanctions",
            new { kind = "suspend", days = 7, reason = "Repeated abuse" }), HttpStatusCode.Created);
        using var again = factory.CreateApiClient();
        var refused = await again.PostAsync("/api/account/signin", new { email = loud.Current!.Email, password = ApiClient.DefaultPassword });
        Assert.False(refused.IsSuccessStatusCode);
    }
}

public sealed class ForumMemberDataTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    [Fact]
    public async Task Export_includes_forum_posts_and_erase_empties_them_keeping_the_sequence()
    {
        using var admin = await factory.MemberAsync("Admin Data", "Admin");
        using var leaver = await factory.MemberAsync("Leaving Lee");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id);
        await Forum.ReplyAsync(leaver, created.Thread.Id, "my personal story");
        await Forum.ReplyAsync(admin, created.Thread.Id, "after");

        var export = await (await leaver.GetAsync("/api/me/export")).Content.ReadAsStringAsync();
        Assert.Contains("my personal story", export, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await leaver.PostAsync("/api/me/erase", new { password = ApiClient.DefaultPassword })).StatusCode);

        var window = await Forum.WindowAsync(admin, created.Thread.Id);
        Assert.Equal([1, 2, 3], window.Posts.Select(p => p.Seq));
        Assert.True(window.Posts[1].Deleted);
        Assert.Equal("", window.Posts[1].Html);
    }
}
