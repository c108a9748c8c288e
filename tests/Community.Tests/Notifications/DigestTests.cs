using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Notifications;

/// <summary>Daily and weekly digests: at each member's local morning, only with something new, exactly once.</summary>
public sealed class DigestTests : IClassFixture<NotificationFactory>
{
    private readonly NotificationFactory _factory;

    public DigestTests(NotificationFactory factory) => _factory = factory;

    /// <summary>A thread by a new author in a new category, watched by <paramref name="watchers"/>.</summary>
    private async Task<(long ThreadId, ApiClient Replier)> WatchedThreadAsync(string title, params ApiClient[] watchers)
    {
        using var admin = await _factory.MemberAsync($"{title} Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        using var author = await _factory.MemberAsync($"{title} Author");
        var thread = await Forum.ThreadAsync(author, category.Id, title);
        foreach (var watcher in watchers) await Notify.WatchAsync(watcher, thread.Thread.Id);
        return (thread.Thread.Id, await _factory.MemberAsync($"{title} Replier"));
    }

    private async Task<int> DigestsToAsync(ApiClient member) => (await _factory.OutboxAsync(member.Current!.Email, "digest")).Count;

    [Fact]
    public async Task The_daily_digest_arrives_at_eight_in_the_morning_of_each_members_time_zone()
    {
        _factory.SetTime(new DateTimeOffset(2026, 12, 7, 20, 0, 0, TimeSpan.Zero)); // Monday evening in UTC
        using var berlin = await _factory.MemberAsync("Digest Berlin");
        using var newYork = await _factory.MemberAsync("Digest NewYork");
        await Notify.SetAsync(berlin, "Europe/Berlin");
        await Notify.SetAsync(newYork, "America/New_York");
        var (threadId, replier) = await WatchedThreadAsync("Zones thread", berlin, newYork);
        await Forum.ReplyAsync(replier, threadId);
        replier.Dispose();

        _factory.SetTime(new DateTimeOffset(2026, 12, 8, 6, 59, 0, TimeSpan.Zero)); // 07:59 in Berlin
        await _factory.RunDigestsAsync();
        Assert.Equal(0, await DigestsToAsync(berlin));

        _factory.SetTime(new DateTimeOffset(2026, 12, 8, 7, 1, 0, TimeSpan.Zero)); // 08:01 in Berlin, 02:01 in New York
        await _factory.RunDigestsAsync();
        var mail = await _factory.Smtp.WaitForAsync(berlin.Current!.Email, "Your daily Community digest: 1 new notification");
        Assert.Equal(0, await DigestsToAsync(newYork));
        Assert.Equal("multipart/alternative", mail.ContentType);
        Assert.Contains("Zones thread Replier replied in “Zones thread”", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"http://localhost/t/{threadId}/", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"href=\"http://localhost/t/{threadId}/", mail.Html, StringComparison.Ordinal);
        Assert.StartsWith("<http://localhost/unsubscribe?token=", mail.Header("List-Unsubscribe"), StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Header("List-Unsubscribe-Post"));

        _factory.SetTime(new DateTimeOffset(2026, 12, 8, 13, 1, 0, TimeSpan.Zero)); // 08:01 in New York
        await _factory.RunDigestsAsync();
        await _factory.Smtp.WaitForAsync(newYork.Current!.Email, "Your daily Community digest");
        Assert.Equal(1, await DigestsToAsync(berlin));
    }

    [Fact]
    public async Task Nothing_new_means_no_digest()
    {
        _factory.SetTime(new DateTimeOffset(2026, 12, 10, 10, 0, 0, TimeSpan.Zero));
        using var reader = await _factory.MemberAsync("Digest Reader");
        var (threadId, replier) = await WatchedThreadAsync("Read thread", reader);
        await Forum.ReplyAsync(replier, threadId);
        replier.Dispose();
        Assert.Equal(HttpStatusCode.NoContent, (await Notify.ReadAllAsync(reader)).StatusCode); // seen on the site before morning

        _factory.SetTime(new DateTimeOffset(2026, 12, 11, 8, 1, 0, TimeSpan.Zero));
        await _factory.RunDigestsAsync();
        _factory.SetTime(new DateTimeOffset(2026, 12, 12, 8, 1, 0, TimeSpan.Zero));
        await _factory.RunDigestsAsync();
        Assert.Equal(0, await DigestsToAsync(reader));
    }

    [Fact]
    public async Task Runs_at_the_same_time_and_again_later_send_each_digest_exactly_once()
    {
        _factory.SetTime(new DateTimeOffset(2026, 12, 14, 9, 0, 0, TimeSpan.Zero));
        var watchers = new List<ApiClient>();
        for (var i = 0; i < 4; i++) watchers.Add(await _factory.MemberAsync($"Digest Once {i}"));
        var (threadId, replier) = await WatchedThreadAsync("Once thread", [.. watchers]);
        await Forum.ReplyAsync(replier, threadId);
        replier.Dispose();

        _factory.SetTime(new DateTimeOffset(2026, 12, 15, 8, 30, 0, TimeSpan.Zero));
        await Task.WhenAll(_factory.RunDigestsAsync(), _factory.RunDigestsAsync(), _factory.RunDigestsAsync());
        await _factory.RunDigestsAsync();
        foreach (var watcher in watchers)
        {
            await _factory.Smtp.WaitForAsync(watcher.Current!.Email, "Your daily Community digest");
            Assert.Equal(1, await DigestsToAsync(watcher));
            watcher.Dispose();
        }
        Assert.All(watchers, w => Assert.Single(_factory.Smtp.To(w.Current!.Email), m => m.Subject.Contains("digest", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_next_digest_holds_only_what_came_after_the_last_one_and_weekly_digests_come_on_monday()
    {
        _factory.SetTime(new DateTimeOffset(2026, 12, 15, 12, 0, 0, TimeSpan.Zero)); // Tuesday
        using var daily = await _factory.MemberAsync("Digest Daily");
        using var weekly = await _factory.MemberAsync("Digest Weekly");
        await Notify.SetAsync(weekly, topics: new Dictionary<string, string> { ["watched"] = "weekly" });
        var (threadId, replier) = await WatchedThreadAsync("Series thread", daily, weekly);
        await Forum.ReplyAsync(replier, threadId, "First");

        _factory.SetTime(new DateTimeOffset(2026, 12, 16, 8, 5, 0, TimeSpan.Zero)); // Wednesday morning
        await _factory.RunDigestsAsync();
        await _factory.Smtp.WaitForAsync(daily.Current!.Email, "1 new notification");
        _factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await Forum.ReplyAsync(replier, threadId, "Second");
        replier.Dispose();

        _factory.SetTime(new DateTimeOffset(2026, 12, 17, 8, 5, 0, TimeSpan.Zero)); // the first reply is still unread: not repeated
        await _factory.RunDigestsAsync();
        Assert.Equal(2, await DigestsToAsync(daily));
        Assert.Single(await _factory.OutboxAsync(daily.Current.Email, "daily Community digest: 1 new notification"), m =>
            m.CreatedAt == new DateTime(2026, 12, 17, 8, 5, 0, DateTimeKind.Utc));
        Assert.Equal(0, await DigestsToAsync(weekly));

        _factory.SetTime(new DateTimeOffset(2026, 12, 21, 8, 5, 0, TimeSpan.Zero)); // Monday
        await _factory.RunDigestsAsync();
        var mail = await _factory.Smtp.WaitForAsync(weekly.Current!.Email, "Your weekly Community digest: 2 new notifications");
        Assert.Contains("New replies in threads you watch", mail.Text, StringComparison.Ordinal);
    }
}
