namespace Community.Web.Features.Integrations.Billing;

/// <summary>What a provider event means for the referral ledger.</summary>
public enum BillingKind
{
    /// <summary>Money came in: the first payment of a referred customer is their conversion; later ones are recorded.</summary>
    Payment,
    /// <summary>Part or all of a payment went back.</summary>
    Refund,
    /// <summary>The customer's bank took the payment back (a dispute): everything left of its reward is reversed.</summary>
    Chargeback,
    /// <summary>The subscription ended.</summary>
    Churn,
    /// <summary>Understood, but nothing for the ledger (see <see cref="BillingNotice.IgnoreReason"/>).</summary>
    Ignore,
}

/// <summary>
/// A verified provider event in provider-neutral words: who the customer is (the ways we may match them, strongest first),
/// which payment it is about, and how much. The provider readers (<see cref="ReceiveStripeEvent"/>, <see cref="ReceivePaddleEvent"/>)
/// build it; <see cref="ApplyBillingEvent"/> matches and records it.
/// </summary>
public sealed record BillingNotice(string Provider, string EventId, string Type, BillingKind Kind)
{
    public string? IgnoreReason { get; init; }
    /// <summary>The provider's customer id (<c>cus_…</c>, <c>ctm_…</c>).</summary>
    public string? CustomerRef { get; init; }
    /// <summary>Metadata <c>community_external_id</c>: the product's id for the customer.</summary>
    public string? ExternalId { get; init; }
    /// <summary>Metadata <c>referral_code</c>: attributes a customer nobody referred yet.</summary>
    public string? ReferralCode { get; init; }
    public string? Email { get; init; }
    /// <summary>The payment's id as the ledger keeps it (Stripe invoice, Paddle transaction). Refunds and chargebacks: the payment
    /// they take from, when the event names it.</summary>
    public string? PaymentId { get; init; }
    /// <summary>Other names of the payment that refunds and disputes use (Stripe payment intent and charge ids).</summary>
    public IReadOnlyList<string> PaymentRefs { get; init; } = [];
    /// <summary>Refunds and chargebacks: their own id (Stripe dispute, Paddle adjustment), the key of their ledger record.</summary>
    public string? TakeBackId { get; init; }
    /// <summary>Minor units. Payments: the amount paid; refunds: this refund, or everything refunded so far when
    /// <see cref="CumulativeRefund"/> (Stripe's <c>amount_refunded</c>).</summary>
    public long Amount { get; init; }
    public bool CumulativeRefund { get; init; }
    /// <summary>ISO 4217, upper case.</summary>
    public string? Currency { get; init; }
    public string? Plan { get; init; }

    public static BillingNotice Ignored(string provider, string eventId, string type, string reason) =>
        new(provider, eventId, type, BillingKind.Ignore) { IgnoreReason = reason };
}
