namespace Community.Web.Features.Notifications;

public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The local hour (in each member's time zone) at which digests go out; weekly digests on Mondays.</summary>
    public int DigestHour { get; set; } = 8;
    /// <summary>How often each server looks for digests that are due (the job lease lets one server run at a time).</summary>
    public int DigestPollSeconds { get; set; } = 60;
    /// <summary>Members handled per digest transaction.</summary>
    public int DigestBatchSize { get; set; } = 500;
    /// <summary>How long an unsubscribe link in an email keeps working.</summary>
    public int UnsubscribeLinkDays { get; set; } = 60;
    /// <summary>At most this many notifications are listed in one digest (the rest are counted).</summary>
    public int DigestMaxItems { get; set; } = 50;
}
