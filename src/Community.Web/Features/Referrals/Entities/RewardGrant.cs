using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

/// <summary>One reward decision, unique per (rule, referral, beneficiary, source event): the exactly-once guard.</summary>
public sealed class RewardGrant
{
    public long Id { get; set; }
    public string RuleKey { get; set; } = "";
    /// <summary>0 for advocate-wide rules (milestones).</summary>
    public long ReferralId { get; set; }
    public string BeneficiaryId { get; set; } = "";
    public string SourceEventId { get; set; } = "";
    public long Amount { get; set; }
    /// <summary>granted, over_cap, test_referral, ...</summary>
    public string Outcome { get; set; } = "";
    public long? LedgerEntryId { get; set; }
    public LedgerEntry? LedgerEntry { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class RewardGrantConfiguration : IEntityTypeConfiguration<RewardGrant>
{
    public void Configure(EntityTypeBuilder<RewardGrant> b)
    {
        b.ToTable("RewardGrants");
        b.Property(g => g.RuleKey).HasMaxLength(64);
        b.Property(g => g.BeneficiaryId).HasMaxLength(450);
        b.Property(g => g.SourceEventId).HasMaxLength(200);
        b.Property(g => g.Outcome).HasMaxLength(32);
        b.HasIndex(g => new { g.RuleKey, g.ReferralId, g.BeneficiaryId, g.SourceEventId }).IsUnique();
        b.HasIndex(g => new { g.BeneficiaryId, g.CreatedAt });
        b.HasIndex(g => g.ReferralId);
        b.HasOne(g => g.LedgerEntry).WithMany().HasForeignKey(g => g.LedgerEntryId).OnDelete(DeleteBehavior.Restrict);
    }
}
