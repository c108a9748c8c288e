using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Community.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Notifications;

public sealed class PreferencesTests : IClassFixture<NotificationFactory>
{
    private readonly NotificationFactory _factory;

    public PreferencesTests(NotificationFactory factory) => _factory = factory;

    [Fact]
    public async Task A_new_member_has_the_default_deliveries_and_can_change_them_and_their_time_zone()
    {
        using var member = await _factory.MemberAsync("Pref Default");
        var defaults = await Notify.PreferencesAsync(member);
        Assert.Equal("UTC", defaults.TimeZone);
        Assert.Equal("immediately", defaults.Of("replies"));
        Assert.Equal("daily", defaults.Of("watched"));
        Assert.Equal("immediately", defaults.Of("idea-status"));
        Assert.Equal("immediately", defaults.Of("credits"));
        Assert.Equal(["immediately", "daily", "weekly", "never"], defaults.Deliveries);

        var saved = await Notify.SetAsync(member, "Europe/Berlin", new Dictionary<string, string> { ["watched"] = "weekly", ["credits"] = "never" });
        Assert.Equal("Europe/Berlin", saved.TimeZone);
        Assert.Equal("weekly", saved.Of("watched"));
        Assert.Equal("never", saved.Of("credits"));
        Assert.Equal("immediately", saved.Of("replies")); // untouched topics keep their setting

        var again = await Notify.PreferencesAsync(member);
        Assert.Equal("Europe/Berlin", again.TimeZone);
        Assert.Equal("weekly", again.Of("watched"));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Pacific Standard Time")] // a Windows id, not IANA
    [InlineData("")]
    public async Task A_time_zone_outside_the_IANA_list_is_refused_with_the_field(string zone)
    {
        using var member = await _factory.MemberAsync("Pref Zone");
        var problem = await ApiClient.ProblemAsync(await member.PutAsync("/api/me/notification-preferences", new { timeZone = zone }),
            HttpStatusCode.BadRequest);
        Assert.Contains("timeZone", problem.Errors!.Keys);
        Assert.Equal("UTC", (await Notify.PreferencesAsync(member)).TimeZone);
    }

    [Fact]
    public async Task Unknown_topics_and_deliveries_are_refused_and_nothing_is_saved()
    {
        using var member = await _factory.MemberAsync("Pref Bad");
        var problem = await ApiClient.ProblemAsync(await member.PutAsync("/api/me/notification-preferences",
            new { topics = new Dictionary<string, string> { ["replies"] = "never", ["watched"] = "hourly", ["gossip"] = "daily" } }),
            HttpStatusCode.BadRequest);
        Assert.Contains("topics.watched", problem.Errors!.Keys);
        Assert.Contains("topics.gossip", problem.Errors!.Keys);
        Assert.Equal("immediately", (await Notify.PreferencesAsync(member)).Of("replies"));
    }

    [Fact]
    public async Task Visitors_who_are_not_signed_in_cannot_read_or_change_preferences()
    {
        using var visitor = _factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync("/api/me/notification-preferences")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.PutAsync("/api/me/notification-preferences", new { timeZone = "UTC" })).StatusCode);
    }

    [Fact]
    public async Task The_settings_page_is_served_and_linked_from_account_settings()
    {
        using var member = await _factory.MemberAsync("Pref Page");
        var page = await (await member.GetAsync("/settings/notifications")).Content.ReadAsStringAsync();
        Assert.Contains("Email notifications", page, StringComparison.Ordinal);
        Assert.Contains("notification-settings", page, StringComparison.Ordinal);
        var settings = await (await member.GetAsync("/settings")).Content.ReadAsStringAsync();
        Assert.Contains("href=\"/settings/notifications\"", settings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_settings_are_in_the_data_export_and_leave_with_the_account()
    {
        using var member = await _factory.MemberAsync("Pref Leaver");
        await Notify.SetAsync(member, "Asia/Tokyo", new Dictionary<string, string> { ["credits"] = "weekly" });
        var export = await (await member.GetAsync("/api/me/export")).Content.ReadAsStringAsync();
        Assert.Contains("\"emailNotifications\"", export, StringComparison.Ordinal);
        Assert.Contains("Asia/Tokyo", export, StringComparison.Ordinal);

        var id = member.Current!.Id;
        Assert.Equal(HttpStatusCode.NoContent, (await member.PostAsync("/api/me/erase", new { password = ApiClient.DefaultPassword })).StatusCode);
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        Assert.False(await db.Set<NotificationPreference>().AnyAsync(p => p.MemberId == id));
        Assert.False(await db.Set<MailSettings>().AnyAsync(s => s.MemberId == id));
    }
}
