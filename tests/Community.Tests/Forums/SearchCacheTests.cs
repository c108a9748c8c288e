using Community.Tests.Infrastructure;
using Community.Web.Features.Forums;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Forums;

/// <summary>
/// The cache of popular searches: pages are shared only by viewers who may read the same categories, any post retires
/// them (on every server), and result pages continue the same ranking.
/// </summary>
public sealed class SearchCacheTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private static async Task<List<HitView>> SearchAsync(ApiClient client, string q, int? page = null) =>
        await ApiClient.ReadAsync<List<HitView>>(await client.GetAsync($"/api/search?q={q}" + (page is { } p ? $"&page={p}" : "")));

    [Fact]
    public async Task A_member_cached_first_does_not_hide_private_hits_from_a_moderator_nor_show_them_to_anyone_else()
    {
        using var admin = await factory.MemberAsync("Cache Admin", "Admin");
        using var moderator = await factory.MemberAsync("Cache Mod", "Moderator");
        using var member = await factory.MemberAsync("Cache Member");
        using var anonymous = factory.CreateApiClient();
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var open = await Forum.CategoryAsync(admin);
        var word = "numbat" + Guid.NewGuid().ToString("N")[..6];
        var secret = await Forum.ThreadAsync(moderator, staff.Id, "Staff only " + word, "private " + word);
        var visible = await Forum.ThreadAsync(member, open.Id, "Open question " + word, "public " + word);
        var cache = factory.Services.GetRequiredService<SearchCache>();

        // The member's page (public only) is cached first, then the same words from each other kind of viewer.
        Assert.Equal([visible.Thread.Id], (await SearchAsync(member, word)).Select(h => h.ThreadId));
        var misses = cache.Misses;
        Assert.Equal([visible.Thread.Id], (await SearchAsync(member, word.ToUpperInvariant() + " " + word)).Select(h => h.ThreadId));
        Assert.Equal(misses, cache.Misses); // the same words, normalised: answered from memory

        Assert.Equal([secret.Thread.Id, visible.Thread.Id], (await SearchAsync(moderator, word)).Select(h => h.ThreadId).Order());
        Assert.Equal([secret.Thread.Id, visible.Thread.Id], (await SearchAsync(admin, word)).Select(h => h.ThreadId).Order());
        Assert.Equal([visible.Thread.Id], (await SearchAsync(anonymous, word)).Select(h => h.ThreadId));
        Assert.Equal([visible.Thread.Id], (await SearchAsync(member, word)).Select(h => h.ThreadId));
    }

    [Fact]
    public async Task A_new_post_retires_every_cached_page_at_once()
    {
        using var admin = await factory.MemberAsync("Retire Admin", "Admin");
        using var member = await factory.MemberAsync("Retire Member");
        var category = await Forum.CategoryAsync(admin);
        var word = "quoll" + Guid.NewGuid().ToString("N")[..6];
        var created = await Forum.ThreadAsync(member, category.Id, "Dasyurids", "About " + word);
        Assert.Single(await SearchAsync(member, word));
        Assert.Single(await SearchAsync(member, word)); // cached

        var reply = await Forum.ReplyAsync(admin, created.Thread.Id, "Another " + word);
        var after = await SearchAsync(member, word);
        Assert.Equal(2, after.Count);
        Assert.Contains(after, h => h.Seq == reply.Seq);
    }

    [Fact]
    public async Task Pages_continue_the_ranking_each_cached_on_its_own()
    {
        using var admin = await factory.MemberAsync("Page Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var word = "bilby" + Guid.NewGuid().ToString("N")[..6];
        var created = await Forum.ThreadAsync(admin, category.Id, "Bilbies", "First " + word);
        for (var i = 0; i < 40; i++) await Forum.ReplyAsync(admin, created.Thread.Id, $"Reply {i} on {word}");

        var first = await SearchAsync(admin, word);
        var second = await SearchAsync(admin, word, 2);
        Assert.Equal(30, first.Count);
        Assert.Equal(11, second.Count);
        Assert.Empty(first.Select(h => h.Seq).Intersect(second.Select(h => h.Seq)));
        Assert.Equal(Enumerable.Range(1, 41), first.Concat(second).Select(h => h.Seq).Order());
        Assert.Equal(first.Select(h => h.Seq), (await SearchAsync(admin, word, 1)).Select(h => h.Seq));
        Assert.Empty(await SearchAsync(admin, word, 3));

        var beyond = await admin.GetAsync($"/api/search?q={word}&page=99");
        var problem = await ApiClient.ProblemAsync(beyond, HttpStatusCode.BadRequest);
        Assert.Contains("page", problem.Errors!.Keys);
    }

    [PostgresFact]
    public async Task A_post_on_one_server_retires_the_search_pages_another_server_cached()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresForumFactory(database.ConnectionString);
        await using var b = new PostgresForumFactory(database.ConnectionString);
        using var admin = await a.MemberAsync("Across Search Admin", "Admin");
        using var reader = b.CreateApiClient();
        var category = await Forum.CategoryAsync(admin);
        var word = "potoroo" + Guid.NewGuid().ToString("N")[..6];
        var created = await Forum.ThreadAsync(admin, category.Id, "Rat-kangaroos", "About " + word);
        Assert.Single(await SearchAsync(reader, word)); // cached on B

        await Forum.ReplyAsync(admin, created.Thread.Id, "More on " + word); // posted on A
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var hits = await SearchAsync(reader, word);
        while (hits.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            hits = await SearchAsync(reader, word);
        }
        Assert.Equal(2, hits.Count);
    }
}
