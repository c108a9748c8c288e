using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Integrations.Billing;

/// <summary>The billing providers that report payments to Community.</summary>
public static class BillingProviders
{
    public const string Stripe = "stripe";
    public const string Paddle = "paddle";
}

/// <summary>What became of a provider event (<see cref="BillingEvent.Outcome"/>).</summary>
public static class BillingOutcomes
{
    /// <summary>Fed to the referral ledger: recorded, held or blocked as the referral's decision says.</summary>
    public const string Applied = "applied";
    /// <summary>Received and understood, but nothing to do (no referral, an unpaid invoice, an event type we do not use).</summary>
    public const string Ignored = "ignored";
    /// <summary>A subscription ended: marked on the referral.</summary>
    public const string Churned = "churned";
}

/// <summary>
/// One verified provider event, stored once: the unique (provider, event id) row is what makes a provider's retry a no-op, and it
/// is written in the same transaction as the ledger change it caused. Never the payload: only what the admin list and later refunds
/// need (the customer and payment the event named, and why it did or did not count).
/// </summary>
public sealed class BillingEvent
{
    public long Id { get; set; }
    public string Provider { get; set; } = "";
    /// <summary>The provider's event id (Stripe <c>evt_…</c>, Paddle <c>evt_…</c>).</summary>
    public string EventId { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTime ReceivedAt { get; set; }
    public string Outcome { get; set; } = "";
    /// <summary>One line for the admin: "matched ana@…, conversion of 49.00 USD", "no referral for this customer".</summary>
    public string Reason { get; set; } = "";
    public long? ReferralId { get; set; }
    /// <summary>The provider's customer id (<c>cus_…</c>, <c>ctm_…</c>): later events of the customer find the referral by it.</summary>
    public string? CustomerRef { get; set; }
    /// <summary>The payment's id as the ledger records it (invoice <c>in_…</c>, transaction <c>txn_…</c>).</summary>
    public string? PaymentId { get; set; }
    /// <summary>How refunds and disputes name that payment (Stripe payment intent <c>pi_…</c> or charge <c>ch_…</c>).</summary>
    public string? PaymentRef { get; set; }
    /// <summary>Minor units: what a payment paid; for a Stripe refund, everything refunded of the charge so far.</summary>
    public long? Amount { get; set; }
    public string? Currency { get; set; }
}

internal sealed class BillingEventConfiguration : IEntityTypeConfiguration<BillingEvent>
{
    public void Configure(EntityTypeBuilder<BillingEvent> b)
    {
        b.ToTable("BillingEvents");
        b.Property(e => e.Provider).HasMaxLength(16);
        b.Property(e => e.EventId).HasMaxLength(200);
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.Outcome).HasMaxLength(16);
        b.Property(e => e.Reason).HasMaxLength(500);
        b.Property(e => e.CustomerRef).HasMaxLength(200);
        b.Property(e => e.PaymentId).HasMaxLength(200);
        b.Property(e => e.PaymentRef).HasMaxLength(200);
        b.Property(e => e.Currency).HasMaxLength(3);
        b.HasIndex(e => new { e.Provider, e.EventId }).IsUnique();
        b.HasIndex(e => new { e.Provider, e.CustomerRef });
        b.HasIndex(e => new { e.Provider, e.PaymentRef });
        b.HasIndex(e => new { e.Provider, e.PaymentId });
    }
}
