using System.Text.Json;
using Community.Tests.Infrastructure;

namespace Community.Tests.Forums.Ideas;

/// <summary>Issue #15: one vote per member per idea, a budget of open votes that returns when ideas close, and unvoting.</summary>
public sealed class IdeaVoteTests(IdeaFactory factory) : IClassFixture<IdeaFactory>
{
    [Fact]
    public async Task Voting_twice_or_fifty_times_at_once_counts_one_vote_and_unvote_takes_it_back()
    {
        using var admin = await factory.MemberAsync("Idea Admin", "Admin");
        using var member = await factory.MemberAsync("Idea Voter");
        var category = await Ideas.CategoryAsync(admin);
        var id = await Ideas.PostAsync(admin, category.Id);

        var first = await Ideas.VotedAsync(member, id);
        Assert.Equal((1, true, IdeaFactory.Budget - 1), (first.Votes, first.Voted, first.VotesLeft));
        var again = await Ideas.VotedAsync(member, id);
        Assert.Equal(1, again.Votes);

        var raced = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Ideas.VoteAsync(member, id)));
        Assert.All(raced, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, (await Ideas.GetAsync(member, id)).Votes);
        Assert.Equal(1, await Ideas.StoredVotesAsync(factory, id));

        var taken = await ApiClient.ReadAsync<VoteView>(await member.DeleteAsync($"/api/ideas/{id}/vote"));
        Assert.Equal((0, false, IdeaFactory.Budget), (taken.Votes, taken.Voted, taken.VotesLeft));
        Assert.Equal(0, (await ApiClient.ReadAsync<VoteView>(await member.DeleteAsync($"/api/ideas/{id}/vote"))).Votes);
        Assert.False((await Ideas.GetAsync(member, id)).Voted);
    }

    [Fact]
    public async Task Fifty_concurrent_votes_from_different_members_all_count()
    {
        using var admin = await factory.MemberAsync("Crowd Admin", "Admin");
        var category = await Ideas.CategoryAsync(admin);
        var id = await Ideas.PostAsync(admin, category.Id, "Bulk export");
        var voters = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => factory.MemberAsync($"Crowd {i}")));
        try
        {
            await Task.WhenAll(voters.SelectMany(v => Enumerable.Range(0, 4).Select(_ => Ideas.VoteAsync(v, id))));
            Assert.Equal(12, (await Ideas.GetAsync(admin, id)).Votes);
            Assert.Equal(12, await Ideas.StoredVotesAsync(factory, id));
        }
        finally
        {
            foreach (var v in voters) v.Dispose();
        }
    }

    [Fact]
    public async Task Voting_past_the_budget_is_409_saying_how_many_are_left_and_closed_ideas_return_votes()
    {
        using var admin = await factory.MemberAsync("Budget Admin", "Admin");
        using var member = await factory.MemberAsync("Budget Voter");
        var category = await Ideas.CategoryAsync(admin);
        var ids = new List<long>();
        for (var i = 0; i <= IdeaFactory.Budget; i++) ids.Add(await Ideas.PostAsync(admin, category.Id, $"Budget idea {i}"));
        for (var i = 0; i < IdeaFactory.Budget; i++) await Ideas.VotedAsync(member, ids[i]);

        var refused = await Ideas.VoteAsync(member, ids[^1]);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0, problem.GetProperty("votesLeft").GetInt32());
        Assert.Equal(IdeaFactory.Budget, problem.GetProperty("budget").GetInt32());
        Assert.Contains("0 of your 3 votes left", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False((await Ideas.GetAsync(member, ids[^1])).Voted);

        // Shipping an idea closes it: its votes come back to the budget, and nobody votes on it any more.
        await Ideas.StatusAsync(admin, ids[0], "shipped");
        Assert.Equal(1, (await Ideas.GetAsync(member, ids[0])).VotesLeft);
        Assert.Equal(1, (await Ideas.VotedAsync(member, ids[^1])).Votes);
        await ApiClient.ProblemAsync(await Ideas.VoteAsync(admin, ids[0]), HttpStatusCode.Conflict);

        // Declined too; and taking back a vote frees one.
        await Ideas.StatusAsync(admin, ids[1], "declined");
        Assert.Equal(1, (await Ideas.GetAsync(member, ids[1])).VotesLeft);
        var back = await ApiClient.ReadAsync<VoteView>(await member.DeleteAsync($"/api/ideas/{ids[2]}/vote"));
        Assert.Equal(2, back.VotesLeft);
    }

    [Fact]
    public async Task Anonymous_cannot_vote_and_ideas_outside_ideas_categories_or_unreadable_are_404()
    {
        using var admin = await factory.MemberAsync("Scope Admin", "Admin");
        using var member = await factory.MemberAsync("Scope Member");
        var ideas = await Ideas.CategoryAsync(admin);
        var staffOnly = await Ideas.CategoryAsync(admin, "Moderator");
        var plain = await Forum.CategoryAsync(admin);
        var id = await Ideas.PostAsync(admin, ideas.Id);
        var hidden = await Ideas.PostAsync(admin, staffOnly.Id);
        var thread = await Ideas.PostAsync(admin, plain.Id);

        var anonymous = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Ideas.VoteAsync(anonymous, id)).StatusCode);
        await ApiClient.ProblemAsync(await Ideas.VoteAsync(member, hidden), HttpStatusCode.NotFound);
        await ApiClient.ProblemAsync(await Ideas.VoteAsync(member, thread), HttpStatusCode.NotFound);
        Assert.DoesNotContain(await Ideas.ListAsync(member), i => i.Id == hidden);
        Assert.Contains(await Ideas.ListAsync(member), i => i.Id == id);
    }

    [Fact]
    public async Task A_vote_reaches_viewers_of_the_idea_and_of_its_list_live()
    {
        using var admin = await factory.MemberAsync("Live Idea Admin", "Admin");
        using var member = await factory.MemberAsync("Live Idea Voter");
        var category = await Ideas.CategoryAsync(admin);
        var id = await Ideas.PostAsync(admin, category.Id);
        await using var page = await HubClient.ConnectAsync(factory);
        await using var list = await HubClient.ConnectAsync(factory);
        await page.InvokeAsync("JoinThread", id);
        await list.InvokeAsync("JoinCategory", category.Id);

        await Ideas.VotedAsync(member, id);

        var seen = await page.WaitForAsync("ideaVotes", e => e.GetProperty("threadId").GetInt64() == id);
        Assert.Equal(1, seen.GetProperty("votes").GetInt32());
        Assert.Equal(1, (await list.WaitForAsync("ideaVotes")).GetProperty("votes").GetInt32());
    }

    [Fact]
    public async Task A_members_votes_are_in_their_data_and_erasing_the_account_takes_them_off_the_counts()
    {
        using var admin = await factory.MemberAsync("Erase Admin", "Admin");
        using var leaver = await factory.MemberAsync("Erase Voter");
        var category = await Ideas.CategoryAsync(admin);
        var id = await Ideas.PostAsync(admin, category.Id, "Audit log export");
        await Ideas.VotedAsync(leaver, id);
        await Ideas.VotedAsync(admin, id);

        var data = await (await leaver.GetAsync("/api/me/export")).Content.ReadAsStringAsync();
        Assert.Contains("Audit log export", data, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await leaver.PostAsync("/api/me/erase", new { password = ApiClient.DefaultPassword })).StatusCode);

        Assert.Equal(1, (await Ideas.GetAsync(admin, id)).Votes);
        Assert.Equal(1, await Ideas.StoredVotesAsync(factory, id));
    }
}

/// <summary>Each vote or unvote is a write and two live events: a member toggling faster than a person would is held back.</summary>
public sealed class IdeaVoteLimitTests
{
    private sealed class StrictFactory : IdeaFactory
    {
        protected override IDictionary<string, string?> Settings()
        {
            var settings = base.Settings();
            settings["Forums:VotesPerMinute"] = "3";
            return settings;
        }
    }

    [Fact]
    public async Task Toggling_a_vote_faster_than_the_limit_gets_429_with_retry_after_and_changes_nothing()
    {
        await using var factory = new StrictFactory();
        using var admin = await factory.MemberAsync("Limit Admin", "Admin");
        using var member = await factory.MemberAsync("Limit Voter");
        var category = await Ideas.CategoryAsync(admin);
        var id = await Ideas.PostAsync(admin, category.Id);

        await Ideas.VotedAsync(member, id);
        await ApiClient.ReadAsync<VoteView>(await member.DeleteAsync($"/api/ideas/{id}/vote"));
        await Ideas.VotedAsync(member, id);
        var fourth = await member.DeleteAsync($"/api/ideas/{id}/vote");
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.True(fourth.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a refused vote says when to try again");
        Assert.Contains("voting too fast", (await fourth.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.True((await Ideas.GetAsync(member, id)).Voted);
        Assert.Equal(1, await Ideas.StoredVotesAsync(factory, id));
    }
}
