using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Forums;

/// <summary>Issue #11: a category restricted to customer segments (plans, product accounts) answers 404 to members outside them
/// on every surface its content can be read from, exactly as a role-restricted one does.</summary>
public sealed class SegmentCategoryTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private sealed record Setup(ApiClient Admin, ApiClient Outsider, ApiClient Insider, ApiClient AccountInsider, ApiClient Moderator,
        SegmentCategoryView Category, CreatedThreadView Thread, string Word) : IDisposable
    {
        public void Dispose()
        {
            foreach (var client in new[] { Admin, Outsider, Insider, AccountInsider, Moderator }) client.Dispose();
        }
    }

    private async Task<Setup> SetupAsync(string name)
    {
        var admin = await factory.MemberAsync($"Admin {name}", "Admin");
        var outsider = await SegmentAsync(await factory.MemberAsync($"Starter {name}"), "Starter", "acct-other");
        var insider = await SegmentAsync(await factory.MemberAsync($"Enterprise {name}"), "enterprise", null); // plans ignore case
        var accountInsider = await SegmentAsync(await factory.MemberAsync($"Acme {name}"), "Starter", "acct-acme");
        var moderator = await factory.MemberAsync($"Mod {name}", "Moderator");
        var category = await SegmentCategoryAsync(admin, ["Enterprise"], ["acct-acme"]);
        var word = "quokka" + Guid.NewGuid().ToString("N")[..6];
        var thread = await Forum.ThreadAsync(admin, category.Id, "Enterprise roadmap " + word, "Only for enterprise " + word);
        return new Setup(admin, outsider, insider, accountInsider, moderator, category, thread, word);
    }

    /// <summary>Sets the member's product plan and account, then signs in again: the new cookie carries them.</summary>
    private async Task<ApiClient> SegmentAsync(ApiClient client, string? plan, string? account)
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            await db.Users.Where(u => u.Id == client.Current!.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Plan, plan).SetProperty(u => u.AccountId, account));
        }
        await client.SignInAsync(client.Current!.Email);
        return client;
    }

    private static async Task<SegmentCategoryView> SegmentCategoryAsync(ApiClient admin, string[] readPlans, string[] readAccounts,
        string[]? readRoles = null) =>
        await ApiClient.ReadAsync<SegmentCategoryView>(await admin.PostAsync("/api/categories", new
        {
            name = "Customers " + Guid.NewGuid().ToString("N")[..6],
            slug = $"seg-{Guid.NewGuid():N}"[..20],
            description = "Segment category",
            readRoles = readRoles ?? [],
            readPlans,
            readAccounts,
        }), HttpStatusCode.Created);

    [Fact]
    public async Task Segment_category_json_api_answers_404_outside_the_segment_and_serves_members_inside()
    {
        using var s = await SetupAsync("Api");
        using var anonymous = factory.CreateApiClient();
        var id = s.Thread.Thread.Id;
        foreach (var outsider in new[] { s.Outsider, anonymous })
        {
            await ApiClient.ProblemAsync(await outsider.GetAsync($"/api/threads/{id}"), HttpStatusCode.NotFound);
            await ApiClient.ProblemAsync(await outsider.GetAsync($"/api/threads/{id}/posts"), HttpStatusCode.NotFound);
            await ApiClient.ProblemAsync(await outsider.GetAsync($"/api/categories/{s.Category.Slug}"), HttpStatusCode.NotFound);
            await ApiClient.ProblemAsync(await outsider.GetAsync($"/api/categories/{s.Category.Slug}/threads"), HttpStatusCode.NotFound);
            var categories = await ApiClient.ReadAsync<List<CategoryView>>(await outsider.GetAsync("/api/categories"));
            Assert.DoesNotContain(categories, c => c.Id == s.Category.Id);
        }
        await ApiClient.ProblemAsync(await s.Outsider.PostAsync($"/api/threads/{id}/posts", new { body = "let me in" }), HttpStatusCode.NotFound);
        await ApiClient.ProblemAsync(await s.Outsider.PostAsync("/api/threads", new { categoryId = s.Category.Id, title = "Sneaky", body = "x" }),
            HttpStatusCode.NotFound);

        foreach (var reader in new[] { s.Insider, s.AccountInsider, s.Moderator })
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/threads/{id}")).StatusCode);
            Assert.Single((await Forum.WindowAsync(reader, id)).Posts);
            var threads = await ApiClient.ReadAsync<List<JsonElement>>(await reader.GetAsync($"/api/categories/{s.Category.Slug}/threads"));
            Assert.Contains(threads, t => t.GetProperty("id").GetInt64() == id);
            var categories = await ApiClient.ReadAsync<List<SegmentCategoryView>>(await reader.GetAsync("/api/categories"));
            var seen = Assert.Single(categories, c => c.Id == s.Category.Id);
            Assert.True(seen.IsPrivate);
            Assert.Empty(seen.ReadAccounts); // other customers' account ids are not shown to members or moderators
        }
        await Forum.ReplyAsync(s.Insider, id, "Inside the segment, I may reply");
    }

    [Fact]
    public async Task Segment_thread_page_answers_404_outside_the_segment_and_renders_inside()
    {
        using var s = await SetupAsync("Page");
        using var anonymous = factory.CreateApiClient();
        var url = s.Thread.Thread.Url;
        foreach (var outsider in new[] { s.Outsider, anonymous })
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(url)).StatusCode);
        var page = await s.Insider.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(s.Word, html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"robots\" content=\"noindex\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_finds_segment_posts_only_for_members_inside_the_segment()
    {
        using var s = await SetupAsync("Search");
        using var anonymous = factory.CreateApiClient();
        foreach (var outsider in new[] { s.Outsider, anonymous })
            Assert.Empty(await ApiClient.ReadAsync<List<HitView>>(await outsider.GetAsync($"/api/search?q={s.Word}")));
        foreach (var reader in new[] { s.Insider, s.AccountInsider, s.Moderator })
        {
            var hits = await ApiClient.ReadAsync<List<HitView>>(await reader.GetAsync($"/api/search?q={s.Word}"));
            Assert.Contains(hits, h => h.ThreadId == s.Thread.Thread.Id);
        }
    }

    private async Task<HubClient> HubAsync(ApiClient member) =>
        await HubClient.ConnectAsync(factory, (await CookieSession.SignInAsync(factory, member.Current!.Email)).Header);

    [Fact]
    public async Task Live_groups_of_a_segment_category_refuse_members_outside_the_segment()
    {
        using var s = await SetupAsync("Hub");
        await using var outsider = await HubAsync(s.Outsider);
        await using var insider = await HubAsync(s.Insider);
        await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync("JoinThread", s.Thread.Thread.Id));
        await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync("JoinCategory", s.Category.Id));

        await insider.InvokeAsync("JoinThread", s.Thread.Thread.Id);
        await insider.InvokeAsync("JoinCategory", s.Category.Id);
        var reply = await Forum.ReplyAsync(s.Admin, s.Thread.Thread.Id, "Live for the segment");
        await insider.WaitForAsync("postCreated", p => p.GetProperty("id").GetInt64() == reply.Id);
    }

    [Fact]
    public async Task Sitemap_and_home_activity_never_list_segment_threads()
    {
        using var s = await SetupAsync("Sitemap");
        using var anonymous = factory.CreateApiClient();
        var xml = await (await anonymous.GetAsync("/sitemap.xml")).Content.ReadAsStringAsync();
        Assert.Contains("<urlset", xml, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Thread.Thread.Url, xml, StringComparison.Ordinal);
        Assert.DoesNotContain($"/c/{s.Category.Slug}", xml, StringComparison.Ordinal);
        var activity = await ApiClient.ReadAsync<List<JsonElement>>(await anonymous.GetAsync("/api/activity"));
        Assert.DoesNotContain(activity, i => i.GetProperty("url").GetString() == s.Thread.Thread.Url);
    }

    [Fact]
    public async Task Mentions_in_a_segment_category_notify_only_members_inside_the_segment()
    {
        using var s = await SetupAsync("Mention");
        await Forum.ReplyAsync(s.Admin, s.Thread.Thread.Id, $"Ping @{s.Outsider.Current!.UserName} and @{s.Insider.Current!.UserName}");
        var inside = await ApiClient.ReadAsync<JsonElement>(await s.Insider.GetAsync("/api/notifications"));
        Assert.Equal(1, inside.GetProperty("unread").GetInt32());
        var outside = await ApiClient.ReadAsync<JsonElement>(await s.Outsider.GetAsync("/api/notifications"));
        Assert.Equal(0, outside.GetProperty("unread").GetInt32());
        Assert.Empty(outside.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Segments_widen_a_role_restriction_and_admins_edit_them_with_field_errors_on_bad_input()
    {
        using var admin = await factory.MemberAsync("Admin Seg Edit", "Admin");
        using var marketer = await factory.MemberAsync("Marketer Seg", "Marketing");
        using var member = await factory.MemberAsync("Member Seg");
        var category = await SegmentCategoryAsync(admin, ["Enterprise", " enterprise ", ""], [], ["Marketing"]);
        Assert.Equal(["Enterprise"], category.ReadPlans);
        Assert.Equal(HttpStatusCode.OK, (await marketer.GetAsync($"/api/categories/{category.Slug}")).StatusCode);
        await ApiClient.ProblemAsync(await member.GetAsync($"/api/categories/{category.Slug}"), HttpStatusCode.NotFound);
        await SegmentAsync(member, "Enterprise", null);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/categories/{category.Slug}")).StatusCode);

        var bad = await ApiClient.ProblemAsync(await admin.PatchAsync($"/api/categories/{category.Id}",
            new { readPlans = new[] { "Pro,Team" }, readAccounts = new[] { new string('a', 201) } }), HttpStatusCode.BadRequest);
        Assert.Contains("readPlans", bad.Errors!.Keys);
        Assert.Contains("readAccounts", bad.Errors!.Keys);
        var many = Enumerable.Range(0, 300).Select(i => $"account-{i:D5}-{new string('x', 20)}").ToArray();
        var tooMany = await ApiClient.ProblemAsync(await admin.PatchAsync($"/api/categories/{category.Id}", new { readAccounts = many }),
            HttpStatusCode.BadRequest);
        Assert.Contains("readAccounts", tooMany.Errors!.Keys);

        // Clearing the plans (roles untouched) closes the category to the member again.
        var cleared = await ApiClient.ReadAsync<SegmentCategoryView>(await admin.PatchAsync($"/api/categories/{category.Id}",
            new { readPlans = Array.Empty<string>(), readAccounts = new[] { "acct-7" } }));
        Assert.Empty(cleared.ReadPlans);
        Assert.Equal(["acct-7"], cleared.ReadAccounts);
        await ApiClient.ProblemAsync(await member.GetAsync($"/api/categories/{category.Slug}"), HttpStatusCode.NotFound);
    }
}

public sealed record SegmentCategoryView(int Id, string Slug, string Name, bool IsPrivate, string[] ReadRoles, string[] ReadPlans,
    string[] ReadAccounts);
