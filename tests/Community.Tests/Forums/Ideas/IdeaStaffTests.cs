using Community.Tests.Infrastructure;
using Community.Web.Data;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Forums.Ideas;

/// <summary>Issue #15: statuses set by staff notify voters and watchers; merges move votes and watchers and redirect the duplicate.</summary>
public sealed class IdeaStaffTests(IdeaFactory factory) : IClassFixture<IdeaFactory>
{
    private Task<string> CookieAsync(ApiClient member) =>
        Cookies.SignInAsync(factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }), member.Current!.Email);

    [Fact]
    public async Task A_member_setting_a_status_is_403_and_staff_changes_notify_voters_and_watchers_live()
    {
        using var admin = await factory.MemberAsync("Status Admin", "Admin");
        using var marketing = await factory.MemberAsync("Status Marketing", "Marketing");
        using var voter = await factory.MemberAsync("Status Voter");
        using var watcher = await factory.MemberAsync("Status Watcher");
        var category = await Ideas.CategoryAsync(admin);
        var id = await Ideas.PostAsync(admin, category.Id, "Scheduled reports");
        await Ideas.VotedAsync(voter, id);
        Assert.Equal(HttpStatusCode.NoContent, (await watcher.PutAsync($"/api/threads/{id}/watch")).StatusCode);

        var refused = await ApiClient.ProblemAsync(await voter.PutAsync($"/api/ideas/{id}/status", new { status = "planned" }),
            HttpStatusCode.Forbidden);
        Assert.Contains("moderators, marketing and admins", refused.Detail, StringComparison.Ordinal);
        await ApiClient.ProblemAsync(await marketing.PutAsync($"/api/ideas/{id}/status", new { status = "someday" }), HttpStatusCode.BadRequest);
        var badUrl = await ApiClient.ProblemAsync(await marketing.PutAsync($"/api/ideas/{id}/status",
            new { status = "shipped", announcementUrl = "https://evil.example/x" }), HttpStatusCode.BadRequest);
        Assert.True(badUrl.Errors!.ContainsKey("announcementUrl"));
        await ApiClient.ProblemAsync(await marketing.PutAsync($"/api/ideas/{id}/status",
            new { status = "planned", announcementUrl = "/t/1/notes" }), HttpStatusCode.BadRequest);

        await using var live = await HubClient.ConnectAsync(factory, await CookieAsync(voter));
        // A first round trip: the server handles hub calls only after the connection joined its member group.
        await live.InvokeAsync("JoinThread", id);
        var planned = await Ideas.StatusAsync(marketing, id, "planned", "Coming in Q1");
        Assert.Equal(("planned", "Planned", "Coming in Q1"), (planned.Status, planned.StatusLabel, planned.StatusNote));
        var note = await live.WaitForAsync("notification", n => n.GetProperty("kind").GetString() == "idea-status", TimeSpan.FromSeconds(30));
        Assert.Equal("planned", (await live.WaitForAsync("ideaChanged", timeout: TimeSpan.FromSeconds(30))).GetProperty("status").GetString());
        Assert.Contains("Planned: Coming in Q1", note.GetProperty("text").GetString(), StringComparison.Ordinal);
        foreach (var member in new[] { voter, watcher })
        {
            var mine = await Ideas.NotesAsync(member);
            Assert.Contains(mine.Items,
                n => n.Kind == "idea-status" && n.Text.Contains("“Scheduled reports” is now Planned", StringComparison.Ordinal));
        }
        Assert.DoesNotContain((await Ideas.NotesAsync(marketing)).Items, n => n.Kind == "idea-status");

        var shipped = await Ideas.StatusAsync(admin, id, "shipped", null, "/spotlights/reports");
        Assert.Equal("/spotlights/reports", shipped.AnnouncementUrl);
        var page = await (await voter.GetAsync($"/t/{id}/x")).Content.ReadAsStringAsync();
        Assert.Contains("Shipped", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/spotlights/reports\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merging_moves_votes_and_watchers_keeps_one_vote_per_member_redirects_and_tells_voters()
    {
        using var admin = await factory.MemberAsync("Merge Admin", "Admin");
        using var moderator = await factory.MemberAsync("Merge Moderator", "Moderator");
        using var both = await factory.MemberAsync("Merge Both");
        using var dupOnly = await factory.MemberAsync("Merge Dup Voter");
        using var watcher = await factory.MemberAsync("Merge Watcher");
        var category = await Ideas.CategoryAsync(admin);
        var target = await Ideas.PostAsync(admin, category.Id, "Export to Excel");
        var duplicate = await Ideas.PostAsync(admin, category.Id, "XLSX export please");
        await Ideas.VotedAsync(both, target);
        await Ideas.VotedAsync(both, duplicate);
        await Ideas.VotedAsync(dupOnly, duplicate);
        await watcher.PutAsync($"/api/threads/{duplicate}/watch");

        await ApiClient.ProblemAsync(await both.PostAsync($"/api/ideas/{duplicate}/merge", new { targetId = target }), HttpStatusCode.Forbidden);
        var self = await ApiClient.ProblemAsync(await moderator.PostAsync($"/api/ideas/{duplicate}/merge", new { targetId = duplicate }),
            HttpStatusCode.BadRequest);
        Assert.True(self.Errors!.ContainsKey("targetId"));

        var merged = await ApiClient.ReadAsync<IdeaView>(await moderator.PostAsync($"/api/ideas/{duplicate}/merge", new { targetId = target }));
        Assert.Equal(2, merged.Votes);
        Assert.Equal(2, await Ideas.StoredVotesAsync(factory, target));
        Assert.Equal(0, await Ideas.StoredVotesAsync(factory, duplicate));
        Assert.Equal(IdeaFactory.Budget - 1, (await Ideas.GetAsync(both, target)).VotesLeft); // one vote kept, one returned
        Assert.Equal(duplicate == 0 ? 0 : target, (await Ideas.GetAsync(admin, duplicate)).MergedIntoId);
        Assert.DoesNotContain(await Ideas.ListAsync(admin, $"?category={category.Slug}"), i => i.Id == duplicate);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            Assert.True(await db.Set<Community.Web.Features.Forums.ThreadWatch>().AnyAsync(w => w.ThreadId == target
                && w.MemberId == watcher.Current!.Id));
        }

        var redirect = await factory.CreateApiClient().GetAsync($"/t/{duplicate}/xlsx-export-please");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal($"/t/{target}/export-to-excel", redirect.Headers.Location?.OriginalString);
        foreach (var voter in new[] { both, dupOnly })
        {
            Assert.Contains((await Ideas.NotesAsync(voter)).Items, n => n.Kind == "idea-merged"
                && n.Text.Contains("“XLSX export please” was merged into “Export to Excel”", StringComparison.Ordinal));
        }

        // Into an idea that is itself merged, or merging the duplicate again: 400, and nothing moved.
        var third = await Ideas.PostAsync(admin, category.Id, "Spreadsheet export");
        await Ideas.VotedAsync(dupOnly, third);
        var intoMerged = await ApiClient.ProblemAsync(await moderator.PostAsync($"/api/ideas/{third}/merge", new { targetId = duplicate }),
            HttpStatusCode.BadRequest);
        Assert.Contains("merged into another", intoMerged.Errors!["targetId"][0], StringComparison.Ordinal);
        await ApiClient.ProblemAsync(await moderator.PostAsync($"/api/ideas/{duplicate}/merge", new { targetId = third }), HttpStatusCode.BadRequest);
        Assert.Equal(1, await Ideas.StoredVotesAsync(factory, third));
        Assert.Equal(2, await Ideas.StoredVotesAsync(factory, target));
    }

    [Fact]
    public async Task Lists_sort_by_top_new_and_trending_and_filter_by_status()
    {
        using var admin = await factory.MemberAsync("List Admin", "Admin");
        var voters = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => factory.MemberAsync($"List Voter {i}")));
        var category = await Ideas.CategoryAsync(admin);
        var old = await Ideas.PostAsync(admin, category.Id, "Old favourite");
        foreach (var v in voters) await Ideas.VotedAsync(v, old);
        await using (var scope = factory.Services.CreateAsyncScope()) // those votes were cast three weeks ago
        {
            var at = factory.Clock.GetUtcNow().UtcDateTime.AddDays(-21);
            await scope.ServiceProvider.GetRequiredService<CommunityDb>().Set<Community.Web.Features.Forums.IdeaVote>().Where(v => v.ThreadId == old)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.CreatedAt, at));
        }
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var fresh = await Ideas.PostAsync(admin, category.Id, "Fresh idea");
        await Ideas.VotedAsync(voters[0], fresh);
        await Ideas.VotedAsync(voters[1], fresh);
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var newest = await Ideas.PostAsync(admin, category.Id, "Newest idea");
        var q = $"?category={category.Slug}";

        Assert.Equal([old, fresh, newest], (await Ideas.ListAsync(admin, q + "&sort=top")).Select(i => i.Id));
        Assert.Equal([fresh, old, newest], (await Ideas.ListAsync(admin, q + "&sort=trending")).Select(i => i.Id)); // 2 recent votes beat 3 old
        Assert.Equal([newest, fresh, old], (await Ideas.ListAsync(admin, q + "&sort=new")).Select(i => i.Id));
        Assert.True((await Ideas.ListAsync(voters[0], q)).Single(i => i.Id == fresh).Voted);

        await Ideas.StatusAsync(admin, fresh, "in-progress");
        Assert.Equal([fresh], (await Ideas.ListAsync(admin, q + "&status=in-progress")).Select(i => i.Id));
        Assert.Equal([old, newest], (await Ideas.ListAsync(admin, q + "&status=new")).Select(i => i.Id));
        await ApiClient.ProblemAsync(await admin.GetAsync("/api/ideas?sort=random"), HttpStatusCode.BadRequest);
        foreach (var v in voters) v.Dispose();
    }
}
