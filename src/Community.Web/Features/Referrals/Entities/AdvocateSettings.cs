using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

/// <summary>An advocate's own choices and the device/IP fingerprints used for the same-device signal.</summary>
public sealed class AdvocateSettings
{
    public string MemberId { get; set; } = "";
    public bool LeaderboardOptOut { get; set; }
    /// <summary>Up to ten recent device cookie ids, comma-separated.</summary>
    public string DeviceIds { get; set; } = "";
    public string? LastIpHash { get; set; }
}

internal sealed class AdvocateSettingsConfiguration : IEntityTypeConfiguration<AdvocateSettings>
{
    public void Configure(EntityTypeBuilder<AdvocateSettings> b)
    {
        b.ToTable("AdvocateSettings");
        b.HasKey(s => s.MemberId);
        b.Property(s => s.MemberId).HasMaxLength(450);
        b.Property(s => s.DeviceIds).HasMaxLength(700);
        b.Property(s => s.LastIpHash).HasMaxLength(64);
    }
}
