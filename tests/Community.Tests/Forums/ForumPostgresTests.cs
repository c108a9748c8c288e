using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>The forum write path (UPDATE ... RETURNING, ON CONFLICT upserts, row locks) and search on PostgreSQL.</summary>
public sealed class ForumPostgresTests
{
    [PostgresFact]
    public async Task Concurrent_replies_get_gapless_seqs_and_search_respects_privacy_on_postgres()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var factory = new PostgresForumFactory(database.ConnectionString);
        using var admin = await factory.MemberAsync("Pg Admin", "Admin");
        using var member = await factory.MemberAsync("Pg Member");
        var category = await Forum.CategoryAsync(admin, qa: true);
        var created = await Forum.ThreadAsync(member, category.Id, "Postgres question", "How do I vacuum?");

        var replies = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Forum.ReplyAsync(i % 2 == 0 ? admin : member, created.Thread.Id, $"answer {i}")));
        Assert.Equal(Enumerable.Range(2, 30), replies.Select(r => r.Seq).Order());
        var window = await Forum.WindowAsync(member, created.Thread.Id);
        Assert.Equal(Enumerable.Range(1, 31), window.Posts.Select(p => p.Seq));

        Assert.Equal(HttpStatusCode.NoContent, (await member.PutAsync($"/api/threads/{created.Thread.Id}/read", new { seq = 31 })).StatusCode);
        await ApiClient.ReadAsync<PostView>(await member.PostAsync($"/api/posts/{replies[0].Id}/reactions", new { kind = "like" }), HttpStatusCode.Created);
        await ApiClient.ProblemAsync(await member.PostAsync($"/api/posts/{replies[0].Id}/reactions", new { kind = "like" }), HttpStatusCode.Conflict);
        await ApiClient.ReadAsync<ThreadView>(await member.PostAsync($"/api/threads/{created.Thread.Id}/accept", new { seq = replies[0].Seq }));

        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        await Forum.ThreadAsync(admin, staff.Id, "Vacuum secrets", "vacuum full at night");
        var hits = await ApiClient.ReadAsync<List<HitView>>(await member.GetAsync("/api/search?q=vacuum"));
        Assert.Contains(hits, h => h.ThreadId == created.Thread.Id);
        Assert.DoesNotContain(hits, h => h.Title.Contains("secrets", StringComparison.Ordinal));
        Assert.Contains("<mark>", hits[0].Snippet + hits[0].Title, StringComparison.Ordinal);
    }
}
