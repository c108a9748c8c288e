using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Notifications;

/// <summary>The List-Unsubscribe link (RFC 8058): one click works without signing in; nothing else can use it.</summary>
public sealed class UnsubscribeTests : IClassFixture<NotificationFactory>
{
    private readonly NotificationFactory _factory;

    public UnsubscribeTests(NotificationFactory factory) => _factory = factory;

    /// <summary>A member who got an immediate email about a reply, and the unsubscribe link in its header.</summary>
    private async Task<(ApiClient Member, string Link)> MailedMemberAsync(string name)
    {
        using var admin = await _factory.MemberAsync($"{name} Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var member = await _factory.MemberAsync(name);
        using var replier = await _factory.MemberAsync($"{name} Replier");
        var thread = await Forum.ThreadAsync(member, category.Id, $"{name}'s question");
        await Forum.ReplyAsync(replier, thread.Thread.Id);
        var mail = await _factory.Smtp.WaitForAsync(member.Current!.Email, $"{name} Replier replied");
        var link = mail.Header("List-Unsubscribe")!.Trim('<', '>');
        Assert.Contains(link, mail.Text, StringComparison.Ordinal); // the same link in the body, for people
        return (member, link);
    }

    [Fact]
    public async Task One_click_POST_without_signing_in_turns_the_topic_off()
    {
        var (member, link) = await MailedMemberAsync("Oneclick");
        using var mailClient = _factory.CreateClient(); // no cookies, no anti-forgery token: a mail provider's server
        var response = await Notify.OneClickAsync(mailClient, link);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var prefs = await Notify.PreferencesAsync(member);
        Assert.Equal("never", prefs.Of("replies"));
        Assert.Equal("daily", prefs.Of("watched")); // only the topic of that email
        member.Dispose();
    }

    [Fact]
    public async Task Opening_the_link_shows_a_button_and_changes_nothing_until_it_is_pressed()
    {
        var (member, link) = await MailedMemberAsync("Getpage");
        using var browser = _factory.CreateClient();
        var response = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\"", page, StringComparison.Ordinal);
        Assert.Contains(">Unsubscribe</button>", page, StringComparison.Ordinal);
        Assert.Equal("immediately", (await Notify.PreferencesAsync(member)).Of("replies"));
        member.Dispose();
    }

    [Fact]
    public async Task An_altered_token_is_refused_with_a_page_and_a_problem_and_nothing_changes()
    {
        var (member, link) = await MailedMemberAsync("Altered");
        var at = link.IndexOf("token=", StringComparison.Ordinal) + 6 + 20;
        var altered = link[..at] + (link[at] == 'A' ? 'B' : 'A') + link[(at + 1)..];
        using var anonymous = _factory.CreateClient();

        var page = await anonymous.GetAsync(altered);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("does not work", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var problem = await ApiClient.ProblemAsync(await Notify.OneClickAsync(anonymous, altered), HttpStatusCode.BadRequest);
        Assert.Contains("changed", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Notify.OneClickAsync(anonymous, "http://localhost/unsubscribe")).StatusCode);
        Assert.Equal("immediately", (await Notify.PreferencesAsync(member)).Of("replies"));
        member.Dispose();
    }

    [Fact]
    public async Task A_link_for_another_member_is_refused_to_someone_signed_in_and_nothing_changes()
    {
        var (owner, link) = await MailedMemberAsync("Owner");
        using var other = await _factory.MemberAsync("Other Member");
        var path = new Uri(link).PathAndQuery;

        var page = await other.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("another member", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var posted = await other.Http.PostAsync(path, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        await ApiClient.ProblemAsync(posted, HttpStatusCode.Forbidden);
        Assert.Equal("immediately", (await Notify.PreferencesAsync(owner)).Of("replies"));
        Assert.Equal("immediately", (await Notify.PreferencesAsync(other)).Of("replies"));
        owner.Dispose();
    }

    [Fact]
    public async Task An_expired_link_is_refused_and_nothing_changes()
    {
        var (member, link) = await MailedMemberAsync("Expired");
        _factory.Clock.Advance(TimeSpan.FromDays(61));
        try
        {
            using var anonymous = _factory.CreateClient();
            var page = await anonymous.GetAsync(link);
            Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
            Assert.Contains("expired", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await ApiClient.ProblemAsync(await Notify.OneClickAsync(anonymous, link), HttpStatusCode.Gone);
        }
        finally { _factory.Clock.Advance(TimeSpan.FromDays(-61)); }
        Assert.Equal("immediately", (await Notify.PreferencesAsync(member)).Of("replies"));
        member.Dispose();
    }
}
