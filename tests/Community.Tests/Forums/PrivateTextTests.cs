using System.Text.Json;
using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>Issue #9 (4, 5): notifications name only threads the member may read; hidden and erased text leaves every derived copy.</summary>
public sealed class PrivateTextTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private sealed record NoteView(long Id, string Kind, string Text, string Url, bool Read);
    private sealed record NoteListView(int Unread, List<NoteView> Items);

    private static async Task<string> TextAsync(ApiClient client, string url) => await (await client.GetAsync(url)).Content.ReadAsStringAsync();

    private static async Task<NoteListView> NotesAsync(ApiClient member) =>
        await ApiClient.ReadAsync<NoteListView>(await member.GetAsync("/api/notifications"));

    [Fact]
    public async Task A_mention_in_a_staff_only_thread_does_not_reach_a_member_who_cannot_read_it()
    {
        using var admin = await factory.MemberAsync("Admin Mentions", "Admin");
        using var moderator = await factory.MemberAsync("Mod Mentioned", "Moderator");
        using var member = await factory.MemberAsync("Member Mentioned");
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var open = await Forum.CategoryAsync(admin);
        await using var live = await HubClient.ConnectAsync(factory, (await CookieSession.SignInAsync(factory, member.Current!.Email)).Header);
        var body = $"Ask @{member.Current.UserName} and @{moderator.Current!.UserName} about it";
        var thread = await Forum.ThreadAsync(admin, staff.Id, "Layoffs planned for Q3", body);
        await Forum.ReplyAsync(admin, thread.Thread.Id, body);

        var modNotes = await NotesAsync(moderator);
        Assert.Equal(2, modNotes.Items.Count(n => n.Text.Contains("Layoffs", StringComparison.Ordinal)));
        var notes = await NotesAsync(member);
        Assert.DoesNotContain(notes.Items, n => n.Text.Contains("Layoffs", StringComparison.Ordinal)
            || n.Url.Contains($"/t/{thread.Thread.Id}/", StringComparison.Ordinal));
        Assert.Equal(0, notes.Unread);
        // Sentinel: a mention the member may read, made after the staff ones, reaches the same connection after them.
        var ping = await Forum.ThreadAsync(admin, open.Id, "Public ping", $"Hello @{member.Current.UserName}");
        await live.WaitForAsync("notification", n => n.GetProperty("url").GetString()!.Contains($"/t/{ping.Thread.Id}/", StringComparison.Ordinal));
        Assert.DoesNotContain(live.Received("notification"), n => n.GetProperty("text").GetString()!.Contains("Layoffs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_author_of_a_thread_moved_into_a_private_category_stops_hearing_of_it_and_sees_nothing_of_it()
    {
        using var admin = await factory.MemberAsync("Admin Mover Notes", "Admin");
        using var moderator = await factory.MemberAsync("Mod Mover Notes", "Moderator");
        using var author = await factory.MemberAsync("Author Moved");
        var open = await Forum.CategoryAsync(admin);
        var lounge = await Forum.CategoryAsync(admin, false, "Moderator");
        var thread = await Forum.ThreadAsync(author, open.Id, "Billing bug with invoices");
        await Forum.ReplyAsync(admin, thread.Thread.Id, "Looking into it");
        Assert.Contains((await NotesAsync(author)).Items, n => n.Text.Contains("Billing bug", StringComparison.Ordinal));

        var renamed = "Billing bug: customer Acme refund dispute";
        await moderator.PatchAsync($"/api/threads/{thread.Thread.Id}", new { categoryId = lounge.Id, title = renamed });
        await Forum.ReplyAsync(admin, thread.Thread.Id, "Internal notes");

        var notes = await NotesAsync(author);
        Assert.DoesNotContain(notes.Items, n => n.Text.Contains("Billing bug", StringComparison.Ordinal));
        Assert.Equal(0, notes.Unread);
    }

    [Fact]
    public async Task Hiding_the_first_post_removes_its_text_from_the_summary_the_page_and_search()
    {
        using var moderator = await factory.MemberAsync("Mod Hider", "Moderator Admin".Split(' '));
        using var member = await factory.MemberAsync("Doxxer");
        var category = await Forum.CategoryAsync(moderator);
        var thread = await Forum.ThreadAsync(member, category.Id, "About my neighbour", "Her address is 12 Quixotic Lane");
        using var anonymous = factory.CreateApiClient();
        Assert.Contains("Quixotic", await (await anonymous.GetAsync(thread.Thread.Url)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Quixotic", await TextAsync(anonymous, $"/api/threads/{thread.Thread.Id}"), StringComparison.Ordinal);

        var hide = await moderator.PostAsync($"/api/posts/{thread.Post.Id}/hide", new { reason = "Personal data" });
        Assert.Equal(HttpStatusCode.OK, hide.StatusCode);

        Assert.DoesNotContain("Quixotic", await TextAsync(anonymous, $"/api/threads/{thread.Thread.Id}"), StringComparison.Ordinal);
        var page = await (await anonymous.GetAsync(thread.Thread.Url)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Quixotic", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Quixotic", await TextAsync(anonymous, $"/api/threads/{thread.Thread.Id}/posts"), StringComparison.Ordinal);
        Assert.Empty(await ApiClient.ReadAsync<List<HitView>>(await anonymous.GetAsync("/api/search?q=Quixotic")));
        Assert.DoesNotContain("Quixotic", await (await anonymous.GetAsync("/api/activity")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Unhiding brings the summary back.
        await moderator.PostAsync($"/api/posts/{thread.Post.Id}/unhide", new { reason = "Checked" });
        Assert.Contains("Quixotic", await TextAsync(anonymous, $"/api/threads/{thread.Thread.Id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erasing_an_account_removes_its_text_from_summaries_pages_and_the_notifications_it_caused()
    {
        using var admin = await factory.MemberAsync("Admin Eraser", "Admin");
        using var leaver = await factory.MemberAsync("Zebulon Leaver");
        var category = await Forum.CategoryAsync(admin);
        var own = await Forum.ThreadAsync(leaver, category.Id, "My setup", "Call me on 555-0199 Xylophone");
        var adminThread = await Forum.ThreadAsync(admin, category.Id, "Admin asks");
        await Forum.ReplyAsync(leaver, adminThread.Thread.Id, "Zebulon's answer");
        Assert.Contains((await NotesAsync(admin)).Items, n => n.Text.Contains("Zebulon", StringComparison.Ordinal));
        using var anonymous = factory.CreateApiClient();
        Assert.Contains("Xylophone", await (await anonymous.GetAsync(own.Thread.Url)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var erase = await leaver.PostAsync("/api/me/erase", new { password = ApiClient.DefaultPassword });
        Assert.Equal(HttpStatusCode.NoContent, erase.StatusCode);

        Assert.DoesNotContain("Xylophone", await TextAsync(anonymous, $"/api/threads/{own.Thread.Id}"), StringComparison.Ordinal);
        Assert.DoesNotContain("Xylophone", await (await anonymous.GetAsync(own.Thread.Url)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain((await NotesAsync(admin)).Items, n => n.Text.Contains("Zebulon", StringComparison.Ordinal));
        Assert.Empty(await ApiClient.ReadAsync<List<JsonElement>>(await anonymous.GetAsync("/api/search?q=Xylophone")));
    }
}
