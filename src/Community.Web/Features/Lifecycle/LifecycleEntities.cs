using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Lifecycle;

/// <summary>The stages, as stored in rows and sent in webhooks (stable machine words).</summary>
public static class Stages
{
    public const string Joined = "joined";
    public const string Onboarding = "onboarding";
    public const string Engaged = "engaged";
    public const string Advocate = "advocate";
    public const string Champion = "champion";
    public const string AtRisk = "at_risk";
    public const string Dormant = "dormant";

    /// <summary>In the order a member moves forward, then the two stages of silence.</summary>
    public static readonly IReadOnlyList<string> All = [Joined, Onboarding, Engaged, Advocate, Champion, AtRisk, Dormant];

    public static string Label(string stage) => stage switch
    {
        Joined => "Joined",
        Onboarding => "Onboarding",
        Engaged => "Engaged",
        Advocate => "Advocate",
        Champion => "Champion",
        AtRisk => "At risk",
        Dormant => "Dormant",
        _ => stage,
    };
}

/// <summary>A member's current stage (one row per member) and since when.</summary>
public sealed class MemberStage
{
    public string MemberId { get; set; } = "";
    public string Stage { get; set; } = "";
    public DateTime Since { get; set; }
    public string Cause { get; set; } = "";
}

/// <summary>One move between stages. Append-only: rows are never updated or deleted (except when the member is erased).</summary>
public sealed class MemberStageChange
{
    public long Id { get; set; }
    public string MemberId { get; set; } = "";
    /// <summary>Empty for a member's first stage.</summary>
    public string FromStage { get; set; } = "";
    public string ToStage { get; set; } = "";
    public string Cause { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>
/// The daily roll-up of <see cref="MemberStageChange"/>: how many members moved from one stage to another on a day (UTC). Kept in the
/// same transaction as the changes; the stage distribution on any day is the running sum of the flows up to it, so both insight
/// charts read this small table only. <see cref="StageFlowRollup.RebuildAsync"/> recomputes it from the history.
/// </summary>
public sealed class StageFlowDay
{
    public DateOnly Day { get; set; }
    public string FromStage { get; set; } = "";
    public string ToStage { get; set; } = "";
    public int Count { get; set; }
}

internal sealed class MemberStageConfiguration : IEntityTypeConfiguration<MemberStage>
{
    public void Configure(EntityTypeBuilder<MemberStage> b)
    {
        b.ToTable("MemberStages");
        b.HasKey(s => s.MemberId);
        b.Property(s => s.MemberId).HasMaxLength(450);
        b.Property(s => s.Stage).HasMaxLength(20);
        b.Property(s => s.Cause).HasMaxLength(200);
        b.HasIndex(s => s.Stage);
    }
}

internal sealed class MemberStageChangeConfiguration : IEntityTypeConfiguration<MemberStageChange>
{
    public void Configure(EntityTypeBuilder<MemberStageChange> b)
    {
        b.ToTable("MemberStageChanges");
        b.Property(c => c.MemberId).HasMaxLength(450);
        b.Property(c => c.FromStage).HasMaxLength(20);
        b.Property(c => c.ToStage).HasMaxLength(20);
        b.Property(c => c.Cause).HasMaxLength(200);
        b.HasIndex(c => new { c.MemberId, c.At });
        b.HasIndex(c => c.At);
    }
}

internal sealed class StageFlowDayConfiguration : IEntityTypeConfiguration<StageFlowDay>
{
    public void Configure(EntityTypeBuilder<StageFlowDay> b)
    {
        b.ToTable("StageFlowDays");
        b.HasKey(f => new { f.Day, f.FromStage, f.ToStage });
        b.Property(f => f.FromStage).HasMaxLength(20);
        b.Property(f => f.ToStage).HasMaxLength(20);
    }
}
