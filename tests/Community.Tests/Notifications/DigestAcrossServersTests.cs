using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Notifications;

/// <summary>The notification factory on a shared PostgreSQL database: several of them are servers behind a load balancer.</summary>
public sealed class PostgresNotificationFactory(string connectionString) : NotificationFactory
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Database:Provider"] = "Postgres";
        settings["Database:ConnectionString"] = connectionString;
        return settings;
    }
}

/// <summary>Two servers on one PostgreSQL database running the digest job at the same moment send each digest once.</summary>
public sealed class DigestAcrossServersTests
{
    [PostgresFact]
    public async Task Two_servers_running_digests_together_send_each_member_one_digest()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresNotificationFactory(database.ConnectionString);
        await using var b = new PostgresNotificationFactory(database.ConnectionString);
        var start = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        a.SetTime(start);
        b.SetTime(start);
        _ = b.Services;

        using var admin = await a.MemberAsync("Pg Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        using var author = await a.MemberAsync("Pg Author");
        var thread = await Forum.ThreadAsync(author, category.Id, "Shared database thread");
        var watchers = new List<ApiClient>();
        for (var i = 0; i < 6; i++)
        {
            var watcher = await a.MemberAsync($"Pg Watcher {i}");
            await Notify.WatchAsync(watcher, thread.Thread.Id);
            watchers.Add(watcher);
        }
        using var replier = await a.MemberAsync("Pg Replier");
        await Forum.ReplyAsync(replier, thread.Thread.Id);

        var morning = new DateTimeOffset(2026, 12, 8, 8, 1, 0, TimeSpan.Zero);
        a.SetTime(morning);
        b.SetTime(morning);
        await Task.WhenAll(a.RunDigestsAsync(), b.RunDigestsAsync(), a.RunDigestsAsync(), b.RunDigestsAsync());

        foreach (var watcher in watchers)
        {
            var email = watcher.Current!.Email;
            int Digests() => a.Smtp.To(email).Concat(b.Smtp.To(email)).Count(m => m.Subject.Contains("digest", StringComparison.Ordinal));
            await Eventually.TrueAsync(() => Digests() >= 1, () => $"no digest reached {email}");
            Assert.Single(await a.OutboxAsync(email, "digest"));
            Assert.Equal(1, Digests());
            watcher.Dispose();
        }
    }
}
