using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

/// <summary>A payment event reported for a referral (conversion, refund or chargeback), each recorded once.</summary>
public sealed class ReferralConversion
{
    public long Id { get; set; }
    public long ReferralId { get; set; }
    public string EventId { get; set; } = "";
    /// <summary>conversion, refund, chargeback.</summary>
    public string Kind { get; set; } = "";
    /// <summary>Refunds and chargebacks: the conversion event they take money back from.</summary>
    public string? RefundsEventId { get; set; }
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public string? Plan { get; set; }
    public DateTime At { get; set; }
}

internal sealed class ReferralConversionConfiguration : IEntityTypeConfiguration<ReferralConversion>
{
    public void Configure(EntityTypeBuilder<ReferralConversion> b)
    {
        b.ToTable("ReferralConversions");
        b.Property(c => c.EventId).HasMaxLength(200);
        b.Property(c => c.Kind).HasMaxLength(16);
        b.Property(c => c.RefundsEventId).HasMaxLength(200);
        b.Property(c => c.Currency).HasMaxLength(3);
        b.Property(c => c.Plan).HasMaxLength(100);
        b.HasIndex(c => new { c.ReferralId, c.EventId }).IsUnique();
        b.HasOne<Referral>().WithMany().HasForeignKey(c => c.ReferralId).OnDelete(DeleteBehavior.Cascade);
    }
}
