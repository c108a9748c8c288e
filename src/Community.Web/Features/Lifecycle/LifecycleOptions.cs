namespace Community.Web.Features.Lifecycle;

/// <summary>The stage thresholds (<c>Lifecycle:*</c>) and the daily pass.</summary>
public sealed class LifecycleOptions
{
    public const string Section = "Lifecycle";

    /// <summary>A new member is Onboarding (or Joined, until their first contribution) for this many days.</summary>
    public int OnboardingDays { get; set; } = 14;
    /// <summary>Engaged: contributed or voted within this many days; silent this long, an active member is At risk.</summary>
    public int EngagedDays { get; set; } = 30;
    /// <summary>Silent this long: Dormant.</summary>
    public int DormantDays { get; set; } = 90;
    /// <summary>Accepted answers that make a member a Champion (the top advocate tier does too).</summary>
    public int ChampionAcceptedAnswers { get; set; } = 10;
    /// <summary>Hours between passes of the recomputation (one server at a time); the first pass runs shortly after start.</summary>
    public double RecomputeHours { get; set; } = 24;
    public int RecomputeStartDelaySeconds { get; set; } = 60;
    /// <summary>Stage changes per write transaction in the daily pass (on SQLite other writers wait for each one).</summary>
    public int WriteBatchSize { get; set; } = 2000;

    /// <summary>Recompute a member's stage as their activity arrives (off: only the daily pass does; the benchmark compares).</summary>
    public bool Listen { get; set; } = true;
}
