using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Notifications;

/// <summary>Topics set to "immediately" are mailed when the notification is created, through the outbox and real SMTP.</summary>
public sealed class ImmediateMailTests : IClassFixture<NotificationFactory>
{
    private readonly NotificationFactory _factory;

    public ImmediateMailTests(NotificationFactory factory) => _factory = factory;

    [Fact]
    public async Task A_reply_to_my_thread_is_emailed_at_once_as_multipart_with_one_click_unsubscribe_headers()
    {
        using var admin = await _factory.MemberAsync("Imm Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        using var author = await _factory.MemberAsync("Imm Author");
        using var replier = await _factory.MemberAsync("Imm Replier");
        var thread = await Forum.ThreadAsync(author, category.Id, "Exporting <b>bold</b> data");
        await Forum.ReplyAsync(replier, thread.Thread.Id, "Try the export button");

        var mail = await _factory.Smtp.WaitForAsync(author.Current!.Email, "Imm Replier replied");
        Assert.Equal("multipart/alternative", mail.ContentType);
        Assert.Contains($"/t/{thread.Thread.Id}/", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Exporting &lt;b&gt;bold&lt;/b&gt; data", mail.Html, StringComparison.Ordinal); // names and titles are encoded
        var unsubscribe = mail.Header("List-Unsubscribe")!;
        Assert.Matches(@"^<http://localhost/unsubscribe\?token=[^>\s]+>$", unsubscribe);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Header("List-Unsubscribe-Post"));
        Assert.DoesNotContain(_factory.Smtp.To(replier.Current!.Email), m => m.Subject.Contains("replied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mention_set_to_never_sends_no_email_but_still_notifies_in_the_app()
    {
        using var admin = await _factory.MemberAsync("Never Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        using var quiet = await _factory.MemberAsync("Never Quiet");
        using var loud = await _factory.MemberAsync("Never Loud");
        await Notify.SetAsync(quiet, topics: new Dictionary<string, string> { ["replies"] = "never" });
        using var author = await _factory.MemberAsync("Never Author");
        await Forum.ThreadAsync(author, category.Id, "Mentions for two", $"Hello @{quiet.Current!.UserName} and @{loud.Current!.UserName}");

        // The member who left mentions on gets theirs: the outbox has been through this notification by then.
        await _factory.Smtp.WaitForAsync(loud.Current.Email, "mentioned you");
        Assert.Empty(await _factory.OutboxAsync(quiet.Current.Email, "mentioned"));
        var notes = await (await quiet.GetAsync("/api/notifications")).Content.ReadAsStringAsync();
        Assert.Contains("mentioned you", notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replies_in_a_watched_thread_wait_for_the_daily_digest_by_default()
    {
        using var admin = await _factory.MemberAsync("Watch Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        using var author = await _factory.MemberAsync("Watch Author");
        using var watcher = await _factory.MemberAsync("Watch Watcher");
        using var replier = await _factory.MemberAsync("Watch Replier");
        var thread = await Forum.ThreadAsync(author, category.Id, "A watched thread");
        await Notify.WatchAsync(watcher, thread.Thread.Id);
        await Forum.ReplyAsync(replier, thread.Thread.Id);

        await _factory.Smtp.WaitForAsync(author.Current!.Email, "Watch Replier replied"); // the author's own thread: at once
        Assert.Empty(await _factory.OutboxAsync(watcher.Current!.Email, "replied"));
    }
}
