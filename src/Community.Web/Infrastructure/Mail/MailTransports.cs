using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;

namespace Community.Web.Infrastructure.Mail;

public interface IMailTransport
{
    Task SendAsync(OutboxMessage message, CancellationToken ct);
}

/// <summary>Sends through an SMTP relay when one is configured.</summary>
internal sealed class SmtpMailTransport(MailOptions options) : IMailTransport
{
    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        using var client = new SmtpClient(options.SmtpHost, options.SmtpPort) { EnableSsl = options.SmtpSsl };
        if (!string.IsNullOrEmpty(options.SmtpUser))
        {
            client.Credentials = new NetworkCredential(options.SmtpUser, options.SmtpPassword);
        }
        using var mail = new MailMessage(options.From, message.Recipient, message.Subject, message.TextBody)
        {
            BodyEncoding = Encoding.UTF8,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
        };
        if (message.HtmlBody is not null)
        {
            // The body (plain text) comes first and the HTML view last: a client shows the last alternative it understands.
            mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html));
        }
        foreach (var (name, value) in MailHeaders.Unsubscribe(message)) mail.Headers.Add(name, value);
        await client.SendMailAsync(mail, ct);
    }
}

/// <summary>Headers every transport adds.</summary>
internal static class MailHeaders
{
    /// <summary>RFC 2369 and RFC 8058: mail clients offer an unsubscribe button that POSTs to the address, no sign-in needed.</summary>
    public static IEnumerable<(string Name, string Value)> Unsubscribe(OutboxMessage message)
    {
        if (message.UnsubscribeUrl is null) yield break;
        yield return ("List-Unsubscribe", $"<{message.UnsubscribeUrl}>");
        yield return ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
}

/// <summary>Writes each message as an .eml file (plain UTF-8, so links stay readable) into a folder.</summary>
internal sealed class PickupFolderMailTransport(MailOptions options, string folder) : IMailTransport
{
    public string Folder { get; } = folder;

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{message.CreatedAt:yyyyMMddTHHmmssfff}-{message.Id:D8}.eml";
        var text = new StringBuilder()
            .Append("From: ").Append(options.From).Append("\r\n")
            .Append("To: ").Append(message.Recipient).Append("\r\n")
            .Append("Subject: ").Append(EncodeHeader(message.Subject)).Append("\r\n")
            .Append("Date: ").Append(message.CreatedAt.ToString("r", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Message-ID: <").Append(message.Id).Append('.').Append(message.CreatedAt.Ticks).Append("@community>\r\n");
        foreach (var (header, value) in MailHeaders.Unsubscribe(message)) text.Append(header).Append(": ").Append(value).Append("\r\n");
        text.Append("MIME-Version: 1.0\r\n");
        if (message.HtmlBody is null)
        {
            text.Append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
                .Append(message.TextBody.ReplaceLineEndings("\r\n"));
        }
        else
        {
            var boundary = $"=_community_{message.Id}_{message.CreatedAt.Ticks}";
            text.Append("Content-Type: multipart/alternative; boundary=\"").Append(boundary).Append("\"\r\n\r\n");
            foreach (var (type, body) in new[] { ("text/plain", message.TextBody), ("text/html", message.HtmlBody) })
            {
                text.Append("--").Append(boundary).Append("\r\nContent-Type: ").Append(type)
                    .Append("; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").Append(body.ReplaceLineEndings("\r\n")).Append("\r\n");
            }
            text.Append("--").Append(boundary).Append("--\r\n");
        }
        var temp = Path.Combine(Folder, name + ".tmp");
        await File.WriteAllTextAsync(temp, text.ToString(), new UTF8Encoding(false), ct);
        File.Move(temp, Path.Combine(Folder, name), overwrite: true);
    }

    private static string EncodeHeader(string value) =>
        value.All(c => c < 128) ? value : $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}?=";
}
