using Community.Tests.Infrastructure;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Forums.Ideas;

/// <summary>Issue #15: the public roadmap respects private categories and follows changes; staff see who wants an idea.</summary>
public sealed class RoadmapAndVotersTests(IdeaFactory factory) : IClassFixture<IdeaFactory>
{
    [Fact]
    public async Task Roadmap_shows_planned_in_progress_and_shipped_ideas_a_visitor_may_read_and_follows_changes()
    {
        using var admin = await factory.MemberAsync("Roadmap Admin", "Admin");
        using var moderator = await factory.MemberAsync("Roadmap Moderator", "Moderator");
        var open = await Ideas.CategoryAsync(admin);
        var staff = await Ideas.CategoryAsync(admin, "Moderator");
        var planned = await Ideas.PostAsync(admin, open.Id, "Public planned idea");
        var secret = await Ideas.PostAsync(admin, staff.Id, "Secret staff idea");
        var fresh = await Ideas.PostAsync(admin, open.Id, "Unreviewed idea");
        await Ideas.StatusAsync(admin, planned, "planned", "Next quarter");
        await Ideas.StatusAsync(admin, secret, "in-progress");
        var anonymous = factory.CreateApiClient();

        var response = await anonymous.GetAsync("/roadmap");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Public planned idea", page, StringComparison.Ordinal);
        Assert.Contains("Next quarter", page, StringComparison.Ordinal);
        Assert.Contains("property=\"og:title\"", page, StringComparison.Ordinal);
        Assert.Contains("property=\"og:url\" content=\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret staff idea", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Unreviewed idea", page, StringComparison.Ordinal);
        Assert.Contains("Secret staff idea", await (await moderator.GetAsync("/roadmap")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var sitemap = await (await anonymous.GetAsync("/sitemap.xml")).Content.ReadAsStringAsync();
        Assert.Contains("/roadmap</loc>", sitemap, StringComparison.Ordinal);

        // Cached, yet a change shows at once: a new status, and a vote count.
        await Ideas.StatusAsync(admin, fresh, "shipped");
        Assert.Contains("Unreviewed idea", await (await anonymous.GetAsync("/roadmap")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Ideas.VotedAsync(moderator, planned);
        Assert.Matches(@">1 vote(?!s)", await (await anonymous.GetAsync("/roadmap")).Content.ReadAsStringAsync());

        // A category made private leaves the anonymous board.
        await ApiClient.ReadAsync<CategoryView>(await admin.PatchAsync($"/api/categories/{open.Id}", new { readRoles = new[] { "Moderator" } }));
        var after = await (await anonymous.GetAsync("/roadmap")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Public planned idea", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_see_voters_grouped_by_account_and_plan_and_export_them_as_csv()
    {
        using var admin = await factory.MemberAsync("Voters Admin", "Admin");
        using var marketing = await factory.MemberAsync("Voters Marketing", "Marketing");
        using var acme1 = await factory.MemberAsync("Acme One");
        using var acme2 = await factory.MemberAsync("Acme Two");
        using var solo = await factory.MemberAsync("=Solo Person");
        await ProductAsync(acme1, "acct-acme", "Acme Inc", "Enterprise");
        await ProductAsync(acme2, "acct-acme", "Acme Inc", "Enterprise");
        var category = await Ideas.CategoryAsync(admin);
        var id = await Ideas.PostAsync(admin, category.Id, "SAML for subsidiaries");
        foreach (var v in new[] { acme1, acme2, solo }) await Ideas.VotedAsync(v, id);

        await ApiClient.ProblemAsync(await acme1.GetAsync($"/api/ideas/{id}/voters"), HttpStatusCode.Forbidden);
        await ApiClient.ProblemAsync(await acme1.GetAsync($"/api/ideas/{id}/voters.csv"), HttpStatusCode.Forbidden);
        var voters = await ApiClient.ReadAsync<VotersView>(await marketing.GetAsync($"/api/ideas/{id}/voters"));
        Assert.Equal(3, voters.Total);
        var acme = voters.Groups[0];
        Assert.Equal(("acct-acme", "Acme Inc", "Enterprise", 2), (acme.Account, acme.AccountName, acme.Plan, acme.Count));
        Assert.Equal(["Acme One", "Acme Two"], acme.Voters.Select(v => v.DisplayName).Order());
        var unknown = voters.Groups[1];
        Assert.Equal(("unknown", "unknown", 1), (unknown.Account, unknown.Plan, unknown.Count));

        var csv = await marketing.GetAsync($"/api/ideas/{id}/voters.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("account,account_name,plan,user_name,display_name,voted_at", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal(2, lines.Count(l => l.StartsWith("acct-acme,Acme Inc,Enterprise,", StringComparison.Ordinal)));
        Assert.Contains(lines,
            l => l.StartsWith("unknown,,unknown,", StringComparison.Ordinal) && l.Contains(",'=Solo Person,", StringComparison.Ordinal));
    }

    private async Task ProductAsync(ApiClient member, string account, string accountName, string plan)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CommunityDb>().Users.Where(u => u.Id == member.Current!.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.AccountId, account).SetProperty(u => u.AccountName, accountName).SetProperty(u => u.Plan, plan));
    }
}

/// <summary>The same guarantees where several servers share a PostgreSQL database: row locks and advisory locks, not one writer.</summary>
public sealed class IdeaPostgresTests
{
    [PostgresFact]
    public async Task Votes_budget_and_merge_hold_under_concurrency_on_postgres()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var factory = new PostgresIdeaFactory(database.ConnectionString);
        using var admin = await factory.MemberAsync("Pg Idea Admin", "Admin");
        using var member = await factory.MemberAsync("Pg Idea Voter");
        var category = await Ideas.CategoryAsync(admin);
        var ids = new List<long>();
        for (var i = 0; i < 6; i++) ids.Add(await Ideas.PostAsync(admin, category.Id, $"Pg idea {i}"));

        var raced = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Ideas.VoteAsync(member, ids[0])));
        Assert.All(raced, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await Ideas.StoredVotesAsync(factory, ids[0]));
        Assert.Equal(1, (await Ideas.GetAsync(member, ids[0])).Votes);

        // Five ideas at once with two votes left: exactly two pass, the rest are 409.
        var spread = await Task.WhenAll(ids.Skip(1).Select(id => Ideas.VoteAsync(member, id)));
        Assert.Equal(IdeaFactory.Budget - 1, spread.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(spread.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));

        var voted = (await Ideas.ListAsync(member, $"?category={category.Slug}")).Where(i => i.Voted).Select(i => i.Id).ToList();
        var merged = await ApiClient.ReadAsync<IdeaView>(await admin.PostAsync($"/api/ideas/{voted[1]}/merge", new { targetId = voted[0] }));
        Assert.Equal(1, merged.Votes);
        Assert.Equal(1, await Ideas.StoredVotesAsync(factory, voted[0]));
        Assert.Equal(HttpStatusCode.MovedPermanently, (await factory.CreateApiClient().GetAsync($"/t/{voted[1]}/x")).StatusCode);
        await ApiClient.ProblemAsync(await admin.PostAsync($"/api/ideas/{voted[0]}/merge", new { targetId = voted[0] }), HttpStatusCode.BadRequest);
    }

    [PostgresFact]
    public async Task The_roadmap_cached_on_one_server_follows_a_status_change_made_on_another()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresIdeaFactory(database.ConnectionString);
        await using var b = new PostgresIdeaFactory(database.ConnectionString);
        using var admin = await a.MemberAsync("Across Roadmap Admin", "Admin");
        var category = await Ideas.CategoryAsync(admin);
        var id = await Ideas.PostAsync(admin, category.Id, "Across servers idea");
        var visitorOnB = b.CreateApiClient();
        var before = await (await visitorOnB.GetAsync("/roadmap")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Across servers idea", before, StringComparison.Ordinal);

        await Ideas.StatusAsync(admin, id, "planned"); // on server A

        var page = await Eventually.ValueAsync(async () => await (await visitorOnB.GetAsync("/roadmap")).Content.ReadAsStringAsync(),
            html => html.Contains("Across servers idea", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Contains("Across servers idea", page, StringComparison.Ordinal);
    }
}
