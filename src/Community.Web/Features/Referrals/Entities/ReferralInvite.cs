using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

/// <summary>An email invitation sent by an advocate; its token attributes the sign-up.</summary>
public sealed class ReferralInvite
{
    public long Id { get; set; }
    public string Token { get; set; } = "";
    public long CodeId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? UsedAt { get; set; }
}

internal sealed class ReferralInviteConfiguration : IEntityTypeConfiguration<ReferralInvite>
{
    public void Configure(EntityTypeBuilder<ReferralInvite> b)
    {
        b.ToTable("ReferralInvites");
        b.Property(i => i.Token).HasMaxLength(64);
        b.HasIndex(i => i.Token).IsUnique();
        b.HasOne<ReferralCode>().WithMany().HasForeignKey(i => i.CodeId).OnDelete(DeleteBehavior.Cascade);
    }
}
