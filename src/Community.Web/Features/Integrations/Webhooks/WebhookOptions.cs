namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>The <c>Webhooks</c> configuration section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Plain http targets, for development receivers only.</summary>
    public bool AllowHttp { get; set; }
    /// <summary>Targets on loopback, link-local or private ranges (tests and local receivers).</summary>
    public bool AllowPrivateTargets { get; set; }
    public int TimeoutSeconds { get; set; } = 10;
    /// <summary>How long a claimed batch belongs to one dispatcher; longer than a batch can take, so only a crash lets it run out.</summary>
    public int LeaseSeconds { get; set; } = 60;
    /// <summary>How often to look for work nobody announced in this process (other servers' events, retries coming due).</summary>
    public int PollMilliseconds { get; set; } = 1000;
    public int BatchSize { get; set; } = 200;
    /// <summary>Requests in flight per delivering loop.</summary>
    public int Concurrency { get; set; } = 64;
    /// <summary>Delivering loops per server.</summary>
    public int Workers { get; set; } = 4;

    /// <summary>How long, at the start of a burst of writes (see <c>ForegroundLoad</c>), dispatch waits for it to pass before it
    /// delivers alongside it. 0: never wait.</summary>
    public int MaxYieldMilliseconds { get; set; } = 15_000;
    /// <summary>Days an event and its finished deliveries are kept after fan-out (the delivery log's reach); 0 keeps them forever.
    /// Every reply and referral writes an event whether or not an endpoint wants it, so without a limit the table only grows.</summary>
    public int RetentionDays { get; set; } = 30;

    public const int MaxResponseBytes = 256 * 1024;
    public const int ExcerptChars = 1024;
}
