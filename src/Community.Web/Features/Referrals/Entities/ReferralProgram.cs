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
    /// <summary>What each later payment of a converted customer earns the advocate: <see cref="RecurringModes"/>.</summary>
    public string RecurringMode { get; set; } = RecurringModes.None;
    /// <summary>Percent mode: this share (0–100) of each later payment, in credits per minor unit as the conversion percentage.</summary>
    public int RecurringPercent { get; set; }
    /// <summary>Fixed mode: credits per later payment.</summary>
    public long RecurringCredits { get; set; }
    /// <summary>Only payments within this many months of the customer's first payment earn (1–120).</summary>
    public int RecurringMonths { get; set; } = 12;
    /// <summary>The most one referral earns from later payments, net of reversals; 0 = no cap of its own.</summary>
    public long RecurringCap { get; set; }
    /// <summary>Advocate tiers: paying customers in the last 12 months that reach Bronze, Silver and Gold (0 = tier off), and each
    /// tier's reward multiplier in percent (100 = no bonus). Multipliers start at 100%: an upgraded site pays nothing more until
    /// marketing sets them.</summary>
    public int TierBronzeConversions { get; set; } = 1;
    public int TierSilverConversions { get; set; } = 5;
    public int TierGoldConversions { get; set; } = 10;
    public int TierBronzePercent { get; set; } = 100;
    public int TierSilverPercent { get; set; } = 100;
    public int TierGoldPercent { get; set; } = 100;
    public bool InviteOnly { get; set; }
    /// <summary>Where /r/{code} sends people: empty = our sign-up page, or an external URL that receives ?ref=.</summary>
    public string? LandingUrl { get; set; }
    /// <summary>Random secret behind the daily IP-hash salt; never leaves the server.</summary>
    public string IpSecret { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}

/// <summary>How later payments (renewals) of a converted customer reward the advocate.</summary>
public static class RecurringModes
{
    /// <summary>Only the first payment earns (the conversion reward).</summary>
    public const string None = "none";
    /// <summary>A percentage of each later payment.</summary>
    public const string Percent = "percent";
    /// <summary>A fixed number of credits per later payment.</summary>
    public const string Fixed = "fixed";

    public static bool IsKnown(string? mode) => mode is None or Percent or Fixed;
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
        b.Property(p => p.RecurringMode).HasMaxLength(16).HasDefaultValue(RecurringModes.None);
        b.Property(p => p.RecurringPercent).HasDefaultValue(0);
        b.Property(p => p.RecurringCredits).HasDefaultValue(0L);
        b.Property(p => p.RecurringMonths).HasDefaultValue(12);
        b.Property(p => p.RecurringCap).HasDefaultValue(0L);
        b.Property(p => p.TierBronzeConversions).HasDefaultValue(1);
        b.Property(p => p.TierSilverConversions).HasDefaultValue(5);
        b.Property(p => p.TierGoldConversions).HasDefaultValue(10);
        b.Property(p => p.TierBronzePercent).HasDefaultValue(100);
        b.Property(p => p.TierSilverPercent).HasDefaultValue(100);
        b.Property(p => p.TierGoldPercent).HasDefaultValue(100);
    }
}
