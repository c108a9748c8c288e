using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>One PostgreSQL database and server for the search tests; created on first use, so skipped tests need no PostgreSQL.</summary>
public sealed class PostgresSearchDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TempPostgres? _database;
    private PostgresForumFactory? _factory;

    public async Task<ForumFactory> FactoryAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _database ??= await Databases.CreatePostgresAsync();
            return _factory ??= new PostgresForumFactory(_database.ConnectionString);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        _gate.Dispose();
    }
}

/// <summary>Search on PostgreSQL (tsvector, GIN, websearch_to_tsquery, ts_rank, ts_headline): the same assertions as on SQLite.</summary>
public sealed class PostgresSearchTests(PostgresSearchDatabase database) : IClassFixture<PostgresSearchDatabase>
{
    [PostgresFact]
    public async Task A_cached_search_by_a_moderator_never_shows_private_hits_to_a_member() =>
        await SearchScenarios.A_cached_search_by_a_moderator_never_shows_private_hits_to_a_member(await database.FactoryAsync());

    [PostgresFact]
    public async Task A_hidden_post_leaves_search_results_at_once_and_a_new_reply_appears() =>
        await SearchScenarios.A_hidden_post_leaves_search_results_at_once_and_a_new_reply_appears(await database.FactoryAsync());

    [PostgresFact]
    public async Task A_common_word_still_finds_the_best_match_among_the_newest_posts_and_a_rare_word_finds_an_old_post() =>
        await SearchScenarios.A_common_word_still_finds_the_best_match_among_the_newest_posts_and_a_rare_word_finds_an_old_post(
            await database.FactoryAsync());

    [PostgresFact]
    public async Task Search_finds_titles_and_posts_with_highlighted_snippets_that_stay_text() =>
        await SearchScenarios.Search_finds_titles_and_posts_with_highlighted_snippets_that_stay_text(await database.FactoryAsync());

    [PostgresFact]
    public async Task A_word_typed_in_part_finds_the_post() =>
        await SearchScenarios.A_word_typed_in_part_finds_the_post(await database.FactoryAsync());

    [PostgresFact]
    public async Task Hostile_queries_answer_400_or_results_never_500() =>
        await SearchScenarios.Hostile_queries_answer_400_or_results_never_500(await database.FactoryAsync());

    [PostgresFact]
    public async Task A_moved_or_retitled_thread_is_found_where_and_as_it_now_is()
    {
        var factory = await database.FactoryAsync();
        using var admin = await factory.MemberAsync("Move Admin", "Admin");
        using var member = await factory.MemberAsync("Move Member");
        var open = await Forum.CategoryAsync(admin);
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var word = "echidna" + Guid.NewGuid().ToString("N")[..6];
        var created = await Forum.ThreadAsync(admin, open.Id, "Monotremes", "An " + word);
        Assert.Single(await ApiClient.ReadAsync<List<HitView>>(await member.GetAsync($"/api/search?q={word}")));

        var renamed = "platypus" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync($"/api/threads/{created.Thread.Id}",
            new { title = "Now " + renamed, categoryId = staff.Id })).StatusCode);
        Assert.Empty(await ApiClient.ReadAsync<List<HitView>>(await member.GetAsync($"/api/search?q={word}")));
        var hits = await ApiClient.ReadAsync<List<HitView>>(await admin.GetAsync($"/api/search?q={renamed}"));
        Assert.Contains($"<mark>{renamed}</mark>", Assert.Single(hits).Title, StringComparison.Ordinal);
    }
}
