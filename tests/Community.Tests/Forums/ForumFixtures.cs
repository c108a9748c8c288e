using System.Text.Json;
using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>Forum tests post a lot from brand-new members, so the posting limits are raised; RateLimit tests lower them again.</summary>
public class ForumFactory : CommunityFactory
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Forums:PostsPerMinute"] = "10000",
        ["Forums:NewMemberPostsPerMinute"] = "10000",
        ["Forums:FlagsPerHour"] = "10000",
        ["Forums:VotesPerMinute"] = "10000",
        // Publishing watches its content folder once /sitemap.xml is served; keep it away from the checkout.
        ["Publishing:ContentFolder"] = Path.Combine(Folder, "content"),
    };
}

/// <summary>The forum factory on a PostgreSQL database (several may share one, as servers behind a load balancer do).</summary>
public sealed class PostgresForumFactory(string connectionString) : ForumFactory
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Database:Provider"] = "Postgres";
        settings["Database:ConnectionString"] = connectionString;
        return settings;
    }
}

public sealed record CategoryView(int Id, string Slug, string Name, bool IsQa, bool IsPrivate, int ThreadCount, int PostCount, int Unread);
public sealed record AuthorView(string UserName, string DisplayName);
public sealed record PostView(long Id, long ThreadId, int Seq, AuthorView Author, string Html, bool Hidden, bool Deleted, Dictionary<string, int> Reactions, long Version, DateTime? EditedAt);
public sealed record ThreadView(long Id, string Title, string Slug, string Url, int LastSeq, bool Locked, bool Pinned, int? AcceptedSeq, long Version);
public sealed record CreatedThreadView(ThreadView Thread, PostView Post);
public sealed record WindowView(long ThreadId, int LastSeq, long Version, List<PostView> Posts, bool HasMoreBefore, bool HasMoreAfter);
public sealed record HitView(long ThreadId, int Seq, string Title, string Url, string Snippet);

/// <summary>Shortcuts shared by the forum tests.</summary>
public static class Forum
{
    private static int _n;

    public static async Task<CategoryView> CategoryAsync(ApiClient admin, bool qa = false, params string[] readRoles)
    {
        var n = Interlocked.Increment(ref _n);
        var slug = $"cat-{Guid.NewGuid():N}"[..20];
        return await ApiClient.ReadAsync<CategoryView>(await admin.PostAsync("/api/categories",
            new { name = $"Category {n}", slug, description = "Test category", isQa = qa, readRoles }), HttpStatusCode.Created);
    }

    public static async Task<CreatedThreadView> ThreadAsync(ApiClient author, int categoryId, string title = "How do I export data?", string body = "First post body")
        => await ApiClient.ReadAsync<CreatedThreadView>(await author.PostAsync("/api/threads", new { categoryId, title, body }), HttpStatusCode.Created);

    public static async Task<PostView> ReplyAsync(ApiClient author, long threadId, string body = "A reply") =>
        await ApiClient.ReadAsync<PostView>(await author.PostAsync($"/api/threads/{threadId}/posts", new { body }), HttpStatusCode.Created);

    public static async Task<WindowView> WindowAsync(ApiClient client, long threadId, int after = 0, int limit = 100) =>
        await ApiClient.ReadAsync<WindowView>(await client.GetAsync($"/api/threads/{threadId}/posts?after={after}&limit={limit}"));

    public static JsonSerializerOptions Json => JsonSerializerOptions.Web;
}
