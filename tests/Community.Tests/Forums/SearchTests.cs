using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>Search stays correct and authorised behind its cache, and one client cannot search without limit.</summary>
public sealed class SearchTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private sealed class LimitedSearchFactory : ForumFactory
    {
        protected override IDictionary<string, string?> Settings()
        {
            var settings = base.Settings();
            settings["RateLimits:SearchPerWindow"] = "3";
            settings["RateLimits:SearchWindowSeconds"] = "600";
            return settings;
        }
    }

    [Fact]
    public async Task A_client_searching_too_often_gets_429_problem_with_retry_after()
    {
        await using var limited = new LimitedSearchFactory();
        using var member = await limited.MemberAsync("Eager Searcher");
        using var other = await limited.MemberAsync("Patient Searcher");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/search?q=word{i}")).StatusCode);

        var refused = await member.GetAsync("/api/search?q=again");
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.True(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds > 0);
        var problem = await ApiClient.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal(429, problem.Status);
        // The limit is per client: another member still searches.
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/search?q=again")).StatusCode);
    }

    [Fact]
    public async Task A_cached_search_by_a_moderator_never_shows_private_hits_to_a_member()
    {
        using var admin = await factory.MemberAsync("Search Admin", "Admin");
        using var moderator = await factory.MemberAsync("Search Mod", "Moderator");
        using var member = await factory.MemberAsync("Search Member");
        using var anonymous = factory.CreateApiClient();
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var open = await Forum.CategoryAsync(admin);
        var word = "quokka" + Guid.NewGuid().ToString("N")[..6];
        var secret = await Forum.ThreadAsync(moderator, staff.Id, "Staff notes " + word, "internal " + word);
        var visible = await Forum.ThreadAsync(member, open.Id, "Public question " + word, "public " + word);

        // The moderator's answer (both threads) is cached first; the same words from others must not reuse it.
        var staffHits = await ApiClient.ReadAsync<List<HitView>>(await moderator.GetAsync($"/api/search?q={word}"));
        Assert.Contains(staffHits, h => h.ThreadId == secret.Thread.Id);
        foreach (var outsider in new[] { member, anonymous })
        {
            var hits = await ApiClient.ReadAsync<List<HitView>>(await outsider.GetAsync($"/api/search?q={word}"));
            Assert.Contains(hits, h => h.ThreadId == visible.Thread.Id);
            Assert.DoesNotContain(hits, h => h.ThreadId == secret.Thread.Id);
        }
    }

    [Fact]
    public async Task A_hidden_post_leaves_search_results_at_once_and_a_new_reply_appears()
    {
        using var admin = await factory.MemberAsync("Hide Admin", "Admin");
        using var member = await factory.MemberAsync("Hide Member");
        var category = await Forum.CategoryAsync(admin);
        var word = "wombat" + Guid.NewGuid().ToString("N")[..6];
        var created = await Forum.ThreadAsync(member, category.Id, "Marsupials", "I like " + word);
        var reply = await Forum.ReplyAsync(member, created.Thread.Id, "Spam about " + word);
        var before = await ApiClient.ReadAsync<List<HitView>>(await member.GetAsync($"/api/search?q={word}"));
        Assert.Equal(2, before.Count);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/posts/{reply.Id}/hide", new { reason = "spam" })).StatusCode);
        var after = await ApiClient.ReadAsync<List<HitView>>(await member.GetAsync($"/api/search?q={word}"));
        Assert.Equal([1], after.Select(h => h.Seq));

        await Forum.ReplyAsync(member, created.Thread.Id, "More about " + word);
        var fresh = await ApiClient.ReadAsync<List<HitView>>(await member.GetAsync($"/api/search?q={word}"));
        Assert.Equal(2, fresh.Count);
    }

    [Fact]
    public async Task A_common_word_still_finds_the_best_match_among_the_newest_posts_and_a_rare_word_finds_an_old_post()
    {
        using var admin = await factory.MemberAsync("Rank Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var common = "okapi" + Guid.NewGuid().ToString("N")[..6];
        var rare = "tapir" + Guid.NewGuid().ToString("N")[..6];
        var old = await Forum.ThreadAsync(admin, category.Id, "An old thread", $"{common} and the only {rare}");
        var titled = await Forum.ThreadAsync(admin, category.Id, $"All about {common}", $"{common} {common} {common}");
        for (var i = 0; i < 40; i++) await Forum.ReplyAsync(admin, titled.Thread.Id, $"Reply {i} mentions {common} once among many other words here");

        var hits = await ApiClient.ReadAsync<List<HitView>>(await admin.GetAsync($"/api/search?q={common}"));
        Assert.Equal(30, hits.Count);
        Assert.Equal((titled.Thread.Id, 1), (hits[0].ThreadId, hits[0].Seq)); // title and body weigh most
        var found = await ApiClient.ReadAsync<List<HitView>>(await admin.GetAsync($"/api/search?q={rare}"));
        Assert.Equal(old.Thread.Id, Assert.Single(found).ThreadId);
    }
}
