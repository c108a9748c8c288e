namespace Community.Web.Infrastructure.Mail;

public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>Sender address on every message.</summary>
    public string From { get; set; } = "community@localhost";
    /// <summary>SMTP host; when empty, messages are written as .eml files to <see cref="PickupFolder"/>.</summary>
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public bool SmtpSsl { get; set; } = true;
    public string PickupFolder { get; set; } = "data/mail";
}
