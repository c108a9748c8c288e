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
    public Task A_cached_search_by_a_moderator_never_shows_private_hits_to_a_member() =>
        SearchScenarios.A_cached_search_by_a_moderator_never_shows_private_hits_to_a_member(factory);

    [Fact]
    public Task A_hidden_post_leaves_search_results_at_once_and_a_new_reply_appears() =>
        SearchScenarios.A_hidden_post_leaves_search_results_at_once_and_a_new_reply_appears(factory);

    [Fact]
    public Task A_common_word_still_finds_the_best_match_among_the_newest_posts_and_a_rare_word_finds_an_old_post() =>
        SearchScenarios.A_common_word_still_finds_the_best_match_among_the_newest_posts_and_a_rare_word_finds_an_old_post(factory);

    [Fact]
    public Task Search_finds_titles_and_posts_with_highlighted_snippets_that_stay_text() =>
        SearchScenarios.Search_finds_titles_and_posts_with_highlighted_snippets_that_stay_text(factory);

    [Fact]
    public Task A_word_typed_in_part_finds_the_post() => SearchScenarios.A_word_typed_in_part_finds_the_post(factory);

    [Fact]
    public Task Hostile_queries_answer_400_or_results_never_500() => SearchScenarios.Hostile_queries_answer_400_or_results_never_500(factory);
}
