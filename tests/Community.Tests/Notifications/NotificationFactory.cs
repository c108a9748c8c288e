using System.Net.Http.Json;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Community.Web.Features.Notifications;
using Community.Web.Infrastructure.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Notifications;

public sealed record TopicView(string Topic, string Label, string Delivery, string Default);
public sealed record PreferencesView(string TimeZone, List<TopicView> Topics, List<string> Deliveries)
{
    public string Of(string topic) => Topics.Single(t => t.Topic == topic).Delivery;
}

/// <summary>
/// The app sending all mail through SMTP to a real SMTP server of its own (its messages land where the Mailbox helper reads), with
/// the digest job's own timer slowed down so each test runs digests itself, at the moments its clock says.
/// </summary>
public class NotificationFactory : ForumFactory
{
    public NotificationFactory() => Smtp = new SmtpServer(MailFolder);

    public SmtpServer Smtp { get; }

    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Mail:SmtpHost"] = "127.0.0.1";
        settings["Mail:SmtpPort"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mail:SmtpSsl"] = "false";
        settings["Site:PublicBaseUrl"] = "http://localhost";
        settings["Notifications:DigestPollSeconds"] = "86400";
        return settings;
    }

    /// <summary>Sets the app's clock to <paramref name="utc"/> (forwards or backwards).</summary>
    public void SetTime(DateTimeOffset utc) => Clock.Advance(utc - Clock.GetUtcNow());

    public Task<int> RunDigestsAsync() => Services.GetRequiredService<DigestRun>().RunAsync(CancellationToken.None);

    /// <summary>The outgoing messages to <paramref name="recipient"/> whose subject contains <paramref name="subject"/>, sent or not.</summary>
    public async Task<List<OutboxMessage>> OutboxAsync(string recipient, string subject = "")
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        return await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Recipient == recipient && m.Subject.Contains(subject)).ToListAsync();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Smtp.Dispose();
    }
}

public static class Notify
{
    public static async Task<PreferencesView> PreferencesAsync(ApiClient client) =>
        await ApiClient.ReadAsync<PreferencesView>(await client.GetAsync("/api/me/notification-preferences"));

    public static async Task<PreferencesView> SetAsync(ApiClient client, string? timeZone = null, object? topics = null) =>
        await ApiClient.ReadAsync<PreferencesView>(await client.PutAsync("/api/me/notification-preferences", new { timeZone, topics }));

    public static async Task WatchAsync(ApiClient client, long threadId) =>
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"/api/threads/{threadId}/watch")).StatusCode);

    public static Task<HttpResponseMessage> ReadAllAsync(ApiClient client) => client.PostAsync("/api/notifications/read", new { });

    /// <summary>What a mail client does for a one-click unsubscribe (RFC 8058): a form POST to the link, no cookies.</summary>
    public static Task<HttpResponseMessage> OneClickAsync(HttpClient anonymous, string url) =>
        anonymous.PostAsync(url, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
}
