using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Tests.Integrations.Webhooks;
using Community.Tests.Referrals;
using Community.Web.Features.Integrations;
using Community.Web.Features.Lifecycle;

namespace Community.Tests.Lifecycle;

/// <summary>Stages move as members act and as the clock passes: this class moves its own app's clock.</summary>
public sealed class StageTests(LifecycleFactory factory) : IClassFixture<LifecycleFactory>
{
    [Fact]
    public async Task A_member_goes_from_joined_to_dormant_by_activity_and_silence_and_comes_back_when_active()
    {
        using var admin = await factory.MemberAsync("Stage Admin", "Admin");
        await using var receiver = new WebhookReceiver(factory.Clock.GetUtcNow);
        await receiver.StartAsync();
        receiver.Secret = (await admin.CreateEndpointAsync(receiver.Url, [WebhookTypes.MemberStageChanged])).Secret;
        var category = await Forum.CategoryAsync(admin);
        using var member = await factory.MemberAsync("Stage Walker");
        var id = member.Current!.Id;
        // Each delivery is awaited before the clock jumps: a webhook signed before a jump looks stale to the receiver after it.
        Task SentAsync(int count) => Eventually.TrueAsync(() => LifecycleKit.StageEvents(receiver, id).Count >= count);

        var joined = await admin.StageBecomesAsync(id, Stages.Joined);
        Assert.Equal("signed up", joined.Cause);

        await Forum.ThreadAsync(member, category.Id);
        var onboarding = await admin.StageBecomesAsync(id, Stages.Onboarding);
        Assert.Equal("first contribution", onboarding.Cause);
        await SentAsync(2);

        await factory.AdvanceAsync(TimeSpan.FromDays(15));
        await admin.SignInAgainAsync();
        Assert.Equal(Stages.Engaged, (await admin.LifecycleAsync(id)).Stage);
        await SentAsync(3);

        await factory.AdvanceAsync(TimeSpan.FromDays(16)); // 31 days since the thread
        await admin.SignInAgainAsync();
        var atRisk = await admin.LifecycleAsync(id);
        Assert.Equal(Stages.AtRisk, atRisk.Stage);
        Assert.Equal("no activity for 30 days", atRisk.Cause);
        await SentAsync(4);

        await factory.AdvanceAsync(TimeSpan.FromDays(60)); // 91 days
        await admin.SignInAgainAsync();
        Assert.Equal(Stages.Dormant, (await admin.LifecycleAsync(id)).Stage);
        Assert.Equal(0, await factory.DailyPassAsync()); // a second pass changes nothing
        await SentAsync(5);

        await member.SignInAgainAsync();
        await Forum.ThreadAsync(member, category.Id, "Back with a question");
        var back = await admin.StageBecomesAsync(id, Stages.Engaged);
        Assert.StartsWith("active again", back.Cause);

        Assert.Equal([Stages.Engaged, Stages.Dormant, Stages.AtRisk, Stages.Engaged, Stages.Onboarding, Stages.Joined],
            back.History.Select(h => h.To));
        Assert.Equal(["", Stages.Joined, Stages.Onboarding, Stages.Engaged, Stages.AtRisk, Stages.Dormant],
            back.History.Select(h => h.From).Reverse());

        // Each change was sent as a signed member.stage_changed webhook (the receiver checks the signature).
        await SentAsync(6);
        var sent = LifecycleKit.StageEvents(receiver, id);
        Assert.Equal(
            [("", Stages.Joined), (Stages.Joined, Stages.Onboarding), (Stages.Onboarding, Stages.Engaged), (Stages.Engaged, Stages.AtRisk),
             (Stages.AtRisk, Stages.Dormant), (Stages.Dormant, Stages.Engaged)],
            sent.Select(e => (e.From, e.To)).OrderBy(Order).ToList());
        Assert.Contains(sent, e => e.To == Stages.Dormant && e.Cause == "no activity for 90 days");
    }

    private static int Order((string From, string To) change) => change switch
    {
        ("", _) => 0,
        (Stages.Joined, _) => 1,
        (Stages.Onboarding, _) => 2,
        (Stages.Engaged, _) => 3,
        (Stages.AtRisk, _) => 4,
        _ => 5,
    };

    [Fact]
    public async Task A_member_who_never_takes_part_stays_joined_and_is_dormant_after_90_days_but_never_at_risk()
    {
        using var admin = await factory.MemberAsync("Quiet Admin", "Moderator");
        using var member = await factory.MemberAsync("Quiet Member");
        var id = member.Current!.Id;
        await admin.StageBecomesAsync(id, Stages.Joined);
        factory.Clock.Advance(TimeSpan.FromDays(45));
        await factory.DailyPassAsync();
        await admin.SignInAgainAsync();
        Assert.Equal(Stages.Joined, (await admin.LifecycleAsync(id)).Stage);
        factory.Clock.Advance(TimeSpan.FromDays(46));
        await factory.DailyPassAsync();
        await admin.SignInAgainAsync();
        var view = await admin.LifecycleAsync(id);
        Assert.Equal(Stages.Dormant, view.Stage);
        Assert.DoesNotContain(view.History, h => h.To == Stages.AtRisk);
    }

    [Fact]
    public async Task Referring_a_sign_up_makes_an_advocate_and_accepted_answers_a_champion()
    {
        using var admin = await factory.MemberAsync("Advocacy Admin", "Admin");
        using var advocate = await factory.MemberAsync("Stage Advocate");
        var code = await advocate.CodeAsync();
        using var friend = factory.CreateApiClient();
        var friendMe = await friend.JoinWithCodeAsync("Stage Friend", code);
        var view = await admin.StageBecomesAsync(advocate.Current!.Id, Stages.Advocate);
        Assert.Equal("referred a sign-up", view.Cause);

        var qa = await Forum.CategoryAsync(admin, qa: true);
        for (var i = 0; i < 2; i++)
        {
            var question = await Forum.ThreadAsync(friend, qa.Id, $"Question {i}");
            var answer = await Forum.ReplyAsync(advocate, question.Thread.Id, "Try this");
            await ApiClient.ReadAsync<ThreadView>(await friend.PostAsync($"/api/threads/{question.Thread.Id}/accept", new { seq = answer.Seq }));
        }
        var champion = await admin.StageBecomesAsync(advocate.Current!.Id, Stages.Champion);
        Assert.Equal("2 accepted answers", champion.Cause);
        Assert.Equal(Stages.Advocate, champion.History[0].From);
        Assert.NotNull(friendMe);
    }

    [Fact]
    public async Task Only_staff_see_a_members_stage()
    {
        using var member = await factory.MemberAsync("Curious Member");
        var id = member.Current!.Id;
        await ApiClient.ProblemAsync(await member.GetAsync($"/api/admin/members/{id}/lifecycle"), HttpStatusCode.Forbidden);
        using var anonymous = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/admin/members/{id}/lifecycle")).StatusCode);
        using var marketing = await factory.MemberAsync("Stage Marketer", "Marketing");
        await marketing.StageBecomesAsync(id, Stages.Joined);
        await ApiClient.ProblemAsync(await marketing.GetAsync("/api/admin/members/nobody/lifecycle"), HttpStatusCode.NotFound);
    }
}
