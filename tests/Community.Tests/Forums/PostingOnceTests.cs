using System.Net.Http.Json;
using System.Text.Json;
using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>
/// A post whose answer was lost is retried with the same Idempotency-Key and must not appear twice (issue #14): the retry
/// answers the first post again, on any server.
/// </summary>
public sealed class PostingOnceTests
{
    private static async Task<HttpResponseMessage> PostWithKeyAsync(ApiClient client, string url, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-CSRF-TOKEN", await client.CsrfAsync());
        request.Headers.Add("Idempotency-Key", key);
        return await client.Http.SendAsync(request);
    }

    private static async Task<(JsonElement Body, string Raw, Uri? Location)> CreatedAsync(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {raw}");
        return (JsonDocument.Parse(raw).RootElement.Clone(), raw, response.Headers.Location);
    }

    [Fact]
    public async Task A_reply_retried_with_the_same_key_is_posted_once_and_answered_with_the_original()
    {
        await using var factory = new ForumFactory();
        using var admin = await factory.MemberAsync("Once Admin", "Admin");
        using var ana = await factory.MemberAsync("Once Ana");
        var category = await Forum.CategoryAsync(admin);
        var thread = (await Forum.ThreadAsync(ana, category.Id)).Thread;
        var key = Guid.NewGuid().ToString();
        var url = $"/api/threads/{thread.Id}/posts";

        var first = await CreatedAsync(await PostWithKeyAsync(ana, url, new { body = "Posted exactly once" }, key));
        var again = await CreatedAsync(await PostWithKeyAsync(ana, url, new { body = "Posted exactly once" }, key));
        // Twins sent at once with a fresh key: one wins inside the write transaction, the others answer with its post.
        var twinKey = Guid.NewGuid().ToString();
        var twins = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostWithKeyAsync(ana, url, new { body = "Twin" }, twinKey)));

        Assert.Equal(first.Body.GetProperty("id").GetInt64(), again.Body.GetProperty("id").GetInt64());
        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal(first.Location, again.Location);
        var twinBodies = await Task.WhenAll(twins.Select(CreatedAsync));
        Assert.Single(twinBodies.Select(t => t.Raw).Distinct());
        var window = await Forum.WindowAsync(ana, thread.Id);
        Assert.Equal([1, 2, 3], window.Posts.Select(p => p.Seq));

        // A new key is a new reply; the same key on another thread is a mistake, not a retry; another member's key is their own.
        await CreatedAsync(await PostWithKeyAsync(ana, url, new { body = "A second reply" }, Guid.NewGuid().ToString()));
        var other = (await Forum.ThreadAsync(ana, category.Id)).Thread;
        var misuse = await PostWithKeyAsync(ana, $"/api/threads/{other.Id}/posts", new { body = "Elsewhere" }, key);
        Assert.Equal(HttpStatusCode.Conflict, misuse.StatusCode);
        var admins = await CreatedAsync(await PostWithKeyAsync(admin, url, new { body = "Same key, other member" }, key));
        Assert.NotEqual(first.Body.GetProperty("id").GetInt64(), admins.Body.GetProperty("id").GetInt64());
        Assert.Equal(5, (await Forum.WindowAsync(ana, thread.Id)).Posts.Count);
        var bad = await PostWithKeyAsync(ana, url, new { body = "Bad key" }, new string('k', 101));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task A_new_thread_retried_with_the_same_key_is_started_once()
    {
        await using var factory = new ForumFactory();
        using var admin = await factory.MemberAsync("Once Thread Admin", "Admin");
        using var ben = await factory.MemberAsync("Once Ben");
        var category = await Forum.CategoryAsync(admin);
        var key = Guid.NewGuid().ToString();
        var body = new { categoryId = category.Id, title = "Started exactly once", body = "Only one of me" };

        var first = await CreatedAsync(await PostWithKeyAsync(ben, "/api/threads", body, key));
        var again = await CreatedAsync(await PostWithKeyAsync(ben, "/api/threads", body, key));

        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal(first.Location, again.Location);
        var listed = await ApiClient.ReadAsync<JsonElement>(await ben.GetAsync($"/api/categories/{category.Slug}/threads"));
        Assert.Contains("\"Started exactly once\"", listed.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(1, CountOccurrences(listed.GetRawText(), "\"Started exactly once\""));
    }

    [PostgresFact]
    public async Task A_reply_retried_on_another_server_is_posted_once()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresForumFactory(database.ConnectionString);
        await using var b = new PostgresForumFactory(database.ConnectionString);
        using var admin = await a.MemberAsync("Across Once Admin", "Admin");
        using var anaOnA = await a.MemberAsync("Across Once Ana");
        using var anaOnB = b.CreateApiClient();
        await anaOnB.SignInAsync(anaOnA.Current!.Email);
        var category = await Forum.CategoryAsync(admin);
        var thread = (await Forum.ThreadAsync(admin, category.Id)).Thread;
        var key = Guid.NewGuid().ToString();
        var url = $"/api/threads/{thread.Id}/posts";

        var onA = await CreatedAsync(await PostWithKeyAsync(anaOnA, url, new { body = "Once across servers" }, key));
        var onB = await CreatedAsync(await PostWithKeyAsync(anaOnB, url, new { body = "Once across servers" }, key));
        // Twins racing on both servers at once: the unique key makes every loser replay the winner.
        var key2 = Guid.NewGuid().ToString();
        var raced = await Task.WhenAll(
            PostWithKeyAsync(anaOnA, url, new { body = "Raced" }, key2), PostWithKeyAsync(anaOnB, url, new { body = "Raced" }, key2));

        Assert.Equal(onA.Raw, onB.Raw);
        var racedBodies = await Task.WhenAll(raced.Select(CreatedAsync));
        Assert.Equal(racedBodies[0].Raw, racedBodies[1].Raw);
        Assert.Equal([1, 2, 3], (await Forum.WindowAsync(anaOnA, thread.Id)).Posts.Select(p => p.Seq));
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
