namespace Community.Web.Features.Lifecycle;

/// <summary>A stage and, in words, why the member is in it.</summary>
public sealed record StageVerdict(string Stage, string Cause);

/// <summary>
/// The stage rules, as one pure function of a member's facts and the time. Silence comes first (an advocate who stopped taking part is
/// at risk all the same); then what the member achieved (Champion, Advocate); then the onboarding window; then recent activity.
/// "Was Engaged or above" is read as "has ever taken part": a member who never did anything after signing up stays Joined until
/// they are Dormant, while one who did is At risk once silent.
/// </summary>
public static class StageRules
{
    public static StageVerdict Decide(MemberFacts f, DateTime now, LifecycleOptions o)
    {
        var joined = f.JoinedAt ?? now;
        var silent = now - (f.LastActiveAt ?? joined);
        if (silent >= TimeSpan.FromDays(o.DormantDays)) return new(Stages.Dormant, $"no activity for {o.DormantDays} days");
        var achieved = Achievement(f, o);
        if (f.LastActiveAt is null) return achieved ?? new(Stages.Joined, "signed up");
        if (silent >= TimeSpan.FromDays(o.EngagedDays)) return new(Stages.AtRisk, $"no activity for {o.EngagedDays} days");
        if (achieved is not null) return achieved;
        if (now - joined < TimeSpan.FromDays(o.OnboardingDays)) return new(Stages.Onboarding, "first contribution");
        return new(Stages.Engaged, $"contributed or voted in the last {o.EngagedDays} days");
    }

    private static StageVerdict? Achievement(MemberFacts f, LifecycleOptions o)
    {
        if (f.TopTier is { } tier) return new(Stages.Champion, $"reached the {tier} advocate tier");
        if (f.AcceptedAnswers >= o.ChampionAcceptedAnswers) return new(Stages.Champion, $"{f.AcceptedAnswers} accepted answers");
        if (f.ReferredSignUps > 0) return new(Stages.Advocate, "referred a sign-up");
        if (f.AcceptedAnswers > 0) return new(Stages.Advocate, "answer accepted");
        if (f.Featured) return new(Stages.Advocate, "featured in a story");
        return null;
    }

    /// <summary>The cause written with a change: coming back from silence says so.</summary>
    public static string CauseOfChange(string from, StageVerdict to) =>
        from is Stages.AtRisk or Stages.Dormant && to.Stage is not (Stages.AtRisk or Stages.Dormant) ? $"active again: {to.Cause}" : to.Cause;
}
