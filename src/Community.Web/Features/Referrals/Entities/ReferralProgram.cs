using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

/// <summary>The program's settings: one row (Id 1), edited by marketing.</summary>
public sealed class ReferralProgram
{
    public int Id { get; set; } = 1;
    public long SignupAdvocateCredits { get; set; } = 500;
    public long SignupFriendCredits { get; set; } = 500;
    public long ConversionAdvocateCredits { get; set; } = 2000;
    /// <summary>Percentage (0–100) of the first payment added to the advocate's conversion reward.</summary>
    public int ConversionAdvocatePercent { get; set; }
    public long ConversionFriendCredits { get; set; } = 1000;
    /// <summary>"5:2500,10:5000" — a bonus for the advocate's 5th and 10th paying referral.</summary>
    public string Milestones { get; set; } = "5:2500,10:5000";
    public long MonthlyCap { get; set; } = 50_000;
    public long LifetimeCap { get; set; } = 500_000;
    public int AttributionDays { get; set; } = 30;
    public bool LastTouch { get; set; }
    public int HoldDays { get; set; } = 30;
    public int VelocityPerHour { get; set; } = 10;
    public bool InviteOnly { get; set; }
    /// <summary>Where /r/{code} sends people: empty = our sign-up page, or an external URL that receives ?ref=.</summary>
    public string? LandingUrl { get; set; }
    /// <summary>Random secret behind the daily IP-hash salt; never leaves the server.</summary>
    public string IpSecret { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}

internal sealed class ReferralProgramConfiguration : IEntityTypeConfiguration<ReferralProgram>
{
    public void Configure(EntityTypeBuilder<ReferralProgram> b)
    {
        b.ToTable("ReferralPrograms");
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Milestones).HasMaxLength(200);
        b.Property(p => p.LandingUrl).HasMaxLength(500);
        b.Property(p => p.IpSecret).HasMaxLength(100);
    }
}
