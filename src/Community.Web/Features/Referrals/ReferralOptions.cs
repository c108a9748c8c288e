namespace Community.Web.Features.Referrals;

/// <summary>Deployment settings (section <c>Referrals</c>). Program rules that marketing edits live in <see cref="ReferralProgram"/>.</summary>
public sealed class ReferralOptions
{
    public const string Section = "Referrals";

    /// <summary>Initial invite-only setting when the program row is first created.</summary>
    public bool InviteOnly { get; set; }
    /// <summary>Clicks held in memory before /r/ waits for the flusher (back-pressure, never loss).</summary>
    public int ClickBufferCapacity { get; set; } = 200_000;
    public int ClickBatchSize { get; set; } = 500;
    public int ClickFlushMilliseconds { get; set; } = 200;
    /// <summary>Days a member who joined without a code may still claim one (cross-device case).</summary>
    public int ClaimDays { get; set; } = 7;
    /// <summary>Referral emails an advocate may send per hour.</summary>
    public int ShareEmailsPerHour { get; set; } = 20;
    /// <summary>Who receives redemption requests.</summary>
    public string BillingEmail { get; set; } = "billing@localhost";
    /// <summary>Disposable email domains, one per line; reloaded when the file changes.</summary>
    public string DisposableDomainsFile { get; set; } = "content/referrals/disposable-domains.txt";
    /// <summary>Click details are purged after the attribution window plus this many days.</summary>
    public int ClickRetentionExtraDays { get; set; } = 30;
    /// <summary>Fraud score at or above which a referral waits for review / is blocked.</summary>
    public int ReviewScore { get; set; } = 40;
    public int BlockScore { get; set; } = 100;
}
