using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

public enum ReferralDecision { Allow = 0, Review = 1, Block = 2, Rejected = 3 }

/// <summary>An attributed person: a member who signed up through a code, or a customer reported by the product.</summary>
public sealed class Referral
{
    public long Id { get; set; }
    public long CodeId { get; set; }
    public string? AdvocateId { get; set; }
    public string? ReferredMemberId { get; set; }
    public string? ExternalCustomerId { get; set; }
    public string? CustomerEmail { get; set; }
    /// <summary>cookie, typed, invite, claim, api, test.</summary>
    public string Source { get; set; } = "";
    public ReferralDecision Decision { get; set; }
    public int FraudScore { get; set; }
    /// <summary>Comma-separated reason codes (self_referral, same_device, ...).</summary>
    public string Reasons { get; set; } = "";
    public bool IsTest { get; set; }
    public string? TestLabel { get; set; }
    public string? DeviceId { get; set; }
    public string? IpHash { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When the referred member confirmed their email (or the product reported the customer): only then does the
    /// sign-up count in the funnel and earn credits.</summary>
    public DateTime? ConfirmedAt { get; set; }
    public DateTime? ConvertedAt { get; set; }
    /// <summary>When the customer's subscription ended, as their billing provider reported it.</summary>
    public DateTime? ChurnedAt { get; set; }
    public string? ReviewedById { get; set; }
    public string? ReviewNote { get; set; }
    public DateTime? ReviewedAt { get; set; }

    /// <summary>The reason codes as a list.</summary>
    public List<string> ReasonList() => Reasons.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
}

internal sealed class ReferralConfiguration : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> b)
    {
        b.ToTable("Referrals");
        b.Property(r => r.AdvocateId).HasMaxLength(450);
        b.Property(r => r.ReferredMemberId).HasMaxLength(450);
        b.Property(r => r.ExternalCustomerId).HasMaxLength(200);
        b.Property(r => r.CustomerEmail).HasMaxLength(256);
        b.Property(r => r.Source).HasMaxLength(16);
        b.Property(r => r.Reasons).HasMaxLength(300);
        b.Property(r => r.TestLabel).HasMaxLength(80);
        b.Property(r => r.DeviceId).HasMaxLength(64);
        b.Property(r => r.IpHash).HasMaxLength(64);
        b.Property(r => r.ReviewedById).HasMaxLength(450);
        b.Property(r => r.ReviewNote).HasMaxLength(500);
        // A member is referred at most once; NULLs (external customers, tests) do not collide.
        b.HasIndex(r => r.ReferredMemberId).IsUnique();
        b.HasIndex(r => new { r.AdvocateId, r.CreatedAt });
        b.HasIndex(r => new { r.CodeId, r.CreatedAt });
        b.HasIndex(r => r.ExternalCustomerId);
        b.HasIndex(r => r.CustomerEmail);
        b.HasIndex(r => r.Decision);
        b.HasOne<ReferralCode>().WithMany().HasForeignKey(r => r.CodeId).OnDelete(DeleteBehavior.Restrict);
    }
}
