using System.Globalization;
using System.Net;
using System.Text;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Notifications;

public sealed record MailContent(string Subject, string Text, string Html, string UnsubscribeUrl);

/// <summary>
/// The notification and digest emails, as plain text and HTML. Notification text is plain text written by the server (names and
/// titles in it are user-chosen), so it is HTML-encoded on the way into the HTML part. Links use the site's public address.
/// </summary>
public sealed class NotificationEmails(SiteOptions site, PublicUrls urls, UnsubscribeTokens tokens, NotificationOptions options)
{
    public MailContent Immediate(MemberCard member, NewNotification note)
    {
        var unsubscribe = UnsubscribeUrl(member.Id, [note.Topic]);
        var link = urls.Absolute(note.Url);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Hi {member.DisplayName},\n\n{note.Text}\n\nOpen it: {link}\n");
        var html = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<p>Hi {E(member.DisplayName)},</p><p><a href=\"{E(link)}\">{E(note.Text)}</a></p>");
        Footer(text, html, $"You get this email at once for: {NotificationTopics.LabelFor(note.Topic).ToLowerInvariant()}.", unsubscribe);
        return new MailContent(Clip($"{note.Text}", 200), text.ToString(), Wrap(html), unsubscribe);
    }

    public MailContent Digest(MemberCard member, string period, IReadOnlyList<UnreadNotification> items)
    {
        var topics = items.Select(i => i.Topic).Distinct(StringComparer.Ordinal).ToList();
        var unsubscribe = UnsubscribeUrl(member.Id, topics);
        var title = period == Deliveries.Weekly ? "weekly" : "daily";
        var subject = $"Your {title} {site.Name} digest: {items.Count} new {(items.Count == 1 ? "notification" : "notifications")}";
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Hi {member.DisplayName},\n\nHere is what happened since your last digest.\n");
        var html = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<p>Hi {E(member.DisplayName)},</p><p>Here is what happened since your last digest.</p>");
        foreach (var group in items.GroupBy(i => i.Topic, StringComparer.Ordinal))
        {
            var label = NotificationTopics.LabelFor(group.Key);
            text.Append(CultureInfo.InvariantCulture, $"\n{label}\n");
            html.Append(CultureInfo.InvariantCulture, $"<h2>{E(label)}</h2><ul>");
            foreach (var item in group.Take(options.DigestMaxItems))
            {
                var link = urls.Absolute(item.Url);
                text.Append(CultureInfo.InvariantCulture, $"- {item.Text}\n  {link}\n");
                html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{E(link)}\">{E(item.Text)}</a></li>");
            }
            var more = group.Count() - options.DigestMaxItems;
            if (more > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"- and {more} more\n");
                html.Append(CultureInfo.InvariantCulture, $"<li>and {more} more</li>");
            }
            html.Append("</ul>");
        }
        Footer(text, html, $"You get this {title} digest for: {string.Join("; ", topics.Select(NotificationTopics.LabelFor)).ToLowerInvariant()}.",
            unsubscribe);
        return new MailContent(subject, text.ToString(), Wrap(html), unsubscribe);
    }

    public string UnsubscribeUrl(string memberId, IEnumerable<string> topics) =>
        urls.Absolute("/unsubscribe?token=" + Uri.EscapeDataString(tokens.Create(memberId, topics)));

    private void Footer(StringBuilder text, StringBuilder html, string why, string unsubscribe)
    {
        var settings = urls.Absolute("/settings/notifications");
        text.Append(CultureInfo.InvariantCulture, $"\n--\n{why}\nChoose what we send: {settings}\nUnsubscribe: {unsubscribe}\n");
        html.Append(CultureInfo.InvariantCulture, $"<hr><p><small>{E(why)} <a href=\"{E(settings)}\">Choose what we send</a> · ")
            .Append(CultureInfo.InvariantCulture, $"<a href=\"{E(unsubscribe)}\">Unsubscribe</a></small></p>");
    }

    private string Wrap(StringBuilder body) =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(site.Name)}</title></head><body>{body}</body></html>";

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}
