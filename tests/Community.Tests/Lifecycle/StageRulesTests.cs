using Community.Web.Features.Lifecycle;

namespace Community.Tests.Lifecycle;

/// <summary>The stage rules on their own: each stage from facts and the time, with the default thresholds.</summary>
public sealed class StageRulesTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly LifecycleOptions Options = new();

    private static string Stage(int joinedDaysAgo, int? activeDaysAgo = null, int answers = 0, int referred = 0, bool featured = false,
        string? tier = null) =>
        StageRules.Decide(new MemberFacts("m")
        {
            JoinedAt = Now.AddDays(-joinedDaysAgo), LastActiveAt = activeDaysAgo is { } a ? Now.AddDays(-a) : null,
            AcceptedAnswers = answers, ReferredSignUps = referred, Featured = featured, TopTier = tier,
        }, Now, Options).Stage;

    [Fact]
    public void Each_stage_follows_from_the_facts_and_the_clock()
    {
        Assert.Equal(Stages.Joined, Stage(1));
        Assert.Equal(Stages.Joined, Stage(40));
        Assert.Equal(Stages.Onboarding, Stage(3, activeDaysAgo: 1));
        Assert.Equal(Stages.Engaged, Stage(20, activeDaysAgo: 29));
        Assert.Equal(Stages.AtRisk, Stage(60, activeDaysAgo: 30));
        Assert.Equal(Stages.Dormant, Stage(200, activeDaysAgo: 90));
        Assert.Equal(Stages.Dormant, Stage(90));
        Assert.Equal(Stages.Advocate, Stage(3, activeDaysAgo: 1, referred: 1));
        Assert.Equal(Stages.Advocate, Stage(100, activeDaysAgo: 2, answers: 1));
        Assert.Equal(Stages.Advocate, Stage(5, featured: true));
        Assert.Equal(Stages.Champion, Stage(100, activeDaysAgo: 2, answers: 10));
        Assert.Equal(Stages.Champion, Stage(100, activeDaysAgo: 2, referred: 3, tier: "Gold"));
        Assert.Equal(Stages.AtRisk, Stage(100, activeDaysAgo: 45, answers: 10));
    }

    [Fact]
    public void Thresholds_come_from_the_options()
    {
        var quick = new LifecycleOptions { OnboardingDays = 2, EngagedDays = 5, DormantDays = 10, ChampionAcceptedAnswers = 3 };
        var facts = new MemberFacts("m") { JoinedAt = Now.AddDays(-3), LastActiveAt = Now.AddDays(-1), AcceptedAnswers = 3 };
        Assert.Equal(Stages.Champion, StageRules.Decide(facts, Now, quick).Stage);
        facts.AcceptedAnswers = 0;
        Assert.Equal(Stages.Engaged, StageRules.Decide(facts, Now, quick).Stage);
        Assert.Equal(Stages.AtRisk, StageRules.Decide(facts, Now.AddDays(5), quick).Stage);
        Assert.Equal(Stages.Dormant, StageRules.Decide(facts, Now.AddDays(9), quick).Stage);
        Assert.Equal("active again: 1 accepted answers",
            StageRules.CauseOfChange(Stages.AtRisk, new StageVerdict(Stages.Advocate, "1 accepted answers")));
    }
}
