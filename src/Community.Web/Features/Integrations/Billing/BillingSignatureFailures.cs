namespace Community.Web.Features.Integrations.Billing;

/// <summary>
/// Deliveries refused for a bad signature, counted per provider since the server started. Nothing about them is stored: an
/// unsigned body is anybody's text, so it gets a log line and a count, never a row.
/// </summary>
internal sealed partial class BillingSignatureFailures(ILogger<BillingSignatureFailures> logger, TimeProvider clock)
{
    private long _stripe, _paddle, _lastTicks;

    public long Stripe => Interlocked.Read(ref _stripe);
    public long Paddle => Interlocked.Read(ref _paddle);
    public DateTime? LastAt => Interlocked.Read(ref _lastTicks) is var ticks and > 0 ? new DateTime(ticks, DateTimeKind.Utc) : null;

    public void Record(string provider, string why)
    {
        Interlocked.Increment(ref provider == BillingProviders.Stripe ? ref _stripe : ref _paddle);
        Interlocked.Exchange(ref _lastTicks, clock.GetUtcNow().UtcTicks);
        LogRefused(logger, provider, why);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Provider} billing event was refused: signature invalid ({Why})")]
    private static partial void LogRefused(ILogger logger, string provider, string why);
}
