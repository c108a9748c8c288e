using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

public enum CodeKind { Personal = 0, Vanity = 1, Campaign = 2 }

/// <summary>A shareable code: an advocate's personal or vanity code, or a campaign invite code.</summary>
public sealed class ReferralCode
{
    public long Id { get; set; }
    /// <summary>Lower-case; codes are case-insensitive.</summary>
    public string Code { get; set; } = "";
    public string? OwnerId { get; set; }
    public CodeKind Kind { get; set; }
    public string? CampaignTag { get; set; }
    public int? UsageLimit { get; set; }
    public int UsedCount { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public bool Disabled { get; set; }
    /// <summary>Campaign codes: replaces the new member's sign-up reward.</summary>
    public long? RewardOverride { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Maintained by the click flusher so dashboards never count rows.</summary>
    public long ClickCount { get; set; }
}

internal sealed class ReferralCodeConfiguration : IEntityTypeConfiguration<ReferralCode>
{
    public void Configure(EntityTypeBuilder<ReferralCode> b)
    {
        b.ToTable("ReferralCodes");
        b.Property(c => c.Code).HasMaxLength(64);
        b.Property(c => c.OwnerId).HasMaxLength(450);
        b.Property(c => c.CampaignTag).HasMaxLength(64);
        b.HasIndex(c => c.Code).IsUnique();
        b.HasIndex(c => c.OwnerId);
    }
}
