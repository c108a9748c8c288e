using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

/// <summary>One visit of /r/{code}. Never the raw IP: only a salted hash whose salt rotates daily.</summary>
public sealed class ReferralClick
{
    public long Id { get; set; }
    public long CodeId { get; set; }
    public DateTime At { get; set; }
    public string? Landing { get; set; }
    public string? Referrer { get; set; }
    public string? UtmSource { get; set; }
    public string? UtmMedium { get; set; }
    public string? UtmCampaign { get; set; }
    public string? UserAgentFamily { get; set; }
    public string? IpHash { get; set; }
    public string? DeviceId { get; set; }
}

internal sealed class ReferralClickConfiguration : IEntityTypeConfiguration<ReferralClick>
{
    public void Configure(EntityTypeBuilder<ReferralClick> b)
    {
        b.ToTable("ReferralClicks");
        b.Property(c => c.Landing).HasMaxLength(500);
        b.Property(c => c.Referrer).HasMaxLength(500);
        b.Property(c => c.UtmSource).HasMaxLength(100);
        b.Property(c => c.UtmMedium).HasMaxLength(100);
        b.Property(c => c.UtmCampaign).HasMaxLength(100);
        b.Property(c => c.UserAgentFamily).HasMaxLength(32);
        b.Property(c => c.IpHash).HasMaxLength(64);
        b.Property(c => c.DeviceId).HasMaxLength(64);
        b.HasIndex(c => new { c.CodeId, c.At });
        b.HasIndex(c => c.At);
        b.HasOne<ReferralCode>().WithMany().HasForeignKey(c => c.CodeId).OnDelete(DeleteBehavior.Cascade);
    }
}
