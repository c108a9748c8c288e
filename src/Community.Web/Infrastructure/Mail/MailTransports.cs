using System.Net;
using System.Net.Mail;
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
        };
        await client.SendMailAsync(mail, ct);
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
            .Append("Message-ID: <").Append(message.Id).Append('.').Append(message.CreatedAt.Ticks).Append("@community>\r\n")
            .Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
            .Append(message.TextBody.ReplaceLineEndings("\r\n"))
            .ToString();
        var temp = Path.Combine(Folder, name + ".tmp");
        await File.WriteAllTextAsync(temp, text, new UTF8Encoding(false), ct);
        File.Move(temp, Path.Combine(Folder, name), overwrite: true);
    }

    private static string EncodeHeader(string value) =>
        value.All(c => c < 128) ? value : $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}?=";
}
