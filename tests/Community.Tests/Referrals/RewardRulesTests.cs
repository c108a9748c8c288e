using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Features.Referrals;

namespace Community.Tests.Referrals;

/// <summary>Hold, caps and milestones change program settings and move the clock: this class has its own app.</summary>
public sealed class RewardRulesTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Fact]
    public async Task Credits_are_pending_during_the_hold_and_available_after_it_by_the_clock()
    {
        using var advocate = await factory.MemberAsync("Hold Advocate");
        var code = await advocate.CodeAsync();
        using var friend = factory.CreateApiClient();
        await friend.JoinWithCodeAsync("Hold Friend", code);
        var before = (await advocate.DashboardAsync()).GetProperty("balances");
        Assert.Equal(500, before.Number("pending"));
        Assert.Equal(0, before.Number("available"));
        await ApiClient.ProblemAsync(await advocate.PostAsync("/api/referrals/me/redeem", new { }), HttpStatusCode.BadRequest);

        factory.Clock.Advance(TimeSpan.FromDays(30).Add(TimeSpan.FromMinutes(1)));
        await advocate.SignInAgainAsync();
        var after = await advocate.DashboardAsync();
        Assert.Equal(0, after.GetProperty("balances").Number("pending"));
        Assert.Equal(500, after.GetProperty("balances").Number("available"));
        Assert.Equal("available", after.GetProperty("entries")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Monthly_caps_limit_grants_and_milestones_pay_once()
    {
        await factory.SetProgramAsync(p =>
        {
            p["signupAdvocateCredits"] = 0;
            p["conversionAdvocateCredits"] = 1000;
            p["conversionAdvocatePercent"] = 10;
            p["milestones"] = "2:700";
            p["monthlyCap"] = 3500;
            p["lifetimeCap"] = 0;
        });
        try
        {
            using var advocate = await factory.MemberAsync("Capped Advocate");
            var code = await advocate.CodeAsync();
            var key = await ReferralKit.CreateKeyAsync(factory);
            var http = factory.CreateClient();
            var results = new List<JsonElement>();
            for (var i = 0; i < 3; i++)
            {
                using var friend = factory.CreateApiClient();
                var me = await friend.JoinWithCodeAsync($"Capped Friend {i}", code);
                results.Add(await factory.EventOkAsync(http, key, new { id = $"cap-pay-{i}", type = "conversion", customer = new { email = me.Email }, amount = 5000, currency = "USD" }));
            }
            var ledger = await factory.LedgerAsync(advocate.Current!.Id);
            // 1000 + 10% of 5000 = 1500 per conversion; the 2nd also reaches the 700 milestone, of which the 3500 cap leaves 500; the 3rd gets nothing.
            Assert.Equal([1500, 1500], ledger.Where(e => e.Reason == RuleKeys.ConversionAdvocate).Select(e => e.Amount).ToArray());
            Assert.Equal(500, Assert.Single(ledger, e => e.Reason == RuleKeys.MilestonePrefix + "2").Amount);
            Assert.Equal(3500, ledger.Sum(e => e.Amount));
            Assert.Contains(ReasonCodes.OverCap, results[2].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        }
        finally
        {
            await factory.SetProgramAsync(p => { p["monthlyCap"] = 50000; p["signupAdvocateCredits"] = 500; p["milestones"] = "5:2500,10:5000"; p["conversionAdvocateCredits"] = 2000; p["conversionAdvocatePercent"] = 0; });
        }
    }

    [Fact]
    public async Task Milestones_pay_a_bonus_once_and_double_sided_rewards_credit_the_friend()
    {
        await factory.SetProgramAsync(p => { p["milestones"] = "2:700"; p["monthlyCap"] = 0; p["lifetimeCap"] = 0; });
        try
        {
            using var advocate = await factory.MemberAsync("Milestone Advocate");
            var code = await advocate.CodeAsync();
            var key = await ReferralKit.CreateKeyAsync(factory);
            var http = factory.CreateClient();
            var friends = new List<Me>();
            for (var i = 0; i < 3; i++)
            {
                using var friend = factory.CreateApiClient();
                var me = await friend.JoinWithCodeAsync($"Milestone Friend {i}", code);
                friends.Add(me);
                await factory.EventOkAsync(http, key, new { id = $"ms-pay-{i}", type = "conversion", customer = new { email = me.Email }, amount = 5000, currency = "USD" });
            }
            var ledger = await factory.LedgerAsync(advocate.Current!.Id);
            Assert.Equal(700, Assert.Single(ledger, e => e.Reason == RuleKeys.MilestonePrefix + "2").Amount);
            // The friend got a sign-up welcome and a conversion thank-you.
            var friendLedger = await factory.LedgerAsync(friends[0].Id);
            Assert.Equal([RuleKeys.SignupFriend, RuleKeys.ConversionFriend], friendLedger.Select(e => e.Reason).ToArray());
        }
        finally
        {
            await factory.SetProgramAsync(p => { p["milestones"] = "5:2500,10:5000"; p["monthlyCap"] = 50000; p["lifetimeCap"] = 500000; });
        }
    }

    [Fact]
    public async Task Program_settings_are_validated()
    {
        using var marketer = await factory.MemberAsync("Validating Marketer", "Marketing");
        var current = await ApiClient.ReadAsync<Dictionary<string, object?>>(await marketer.GetAsync("/api/admin/referrals/program"));
        current["holdDays"] = -1;
        current["milestones"] = "five:lots";
        current["landingUrl"] = "javascript:alert(1)";
        var problem = await ApiClient.ProblemAsync(await marketer.PutAsync("/api/admin/referrals/program", current), HttpStatusCode.BadRequest);
        Assert.Contains("holdDays", problem.Errors!.Keys);
        Assert.Contains("milestones", problem.Errors.Keys);
        Assert.Contains("landingUrl", problem.Errors.Keys);
        using var member = await factory.MemberAsync("Plain Member");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/admin/referrals/program")).StatusCode);
    }
}

public sealed class InviteOnlyFactory : CommunityFactory
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["Referrals:InviteOnly"] = "true" };
}

public sealed class InviteOnlyTests(InviteOnlyFactory factory) : IClassFixture<InviteOnlyFactory>
{
    [Fact]
    public async Task Invite_only_refuses_signup_without_a_valid_code_and_accepts_one_with_it()
    {
        using var client = factory.CreateApiClient();
        var none = await client.PostAsync("/api/account/register", new { email = $"{Guid.NewGuid():N}@example.com", displayName = "No Code", password = ApiClient.DefaultPassword });
        Assert.Contains("invite-only", (await ApiClient.ProblemAsync(none, HttpStatusCode.BadRequest)).Errors!["referralCode"][0], StringComparison.Ordinal);
        var wrong = await client.PostAsync("/api/account/register", new { email = $"{Guid.NewGuid():N}@example.com", displayName = "Wrong Code", password = ApiClient.DefaultPassword, referralCode = "nope-nope" });
        Assert.Contains("referralCode", (await ApiClient.ProblemAsync(wrong, HttpStatusCode.BadRequest)).Errors!.Keys);

        // The first member needs a campaign code: admins create one directly in the database here.
        await factory.DbAsync(async db =>
        {
            db.Add(new ReferralCode { Code = "founders", Kind = CodeKind.Campaign, CampaignTag = "founders", CreatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        var me = await client.JoinWithCodeAsync("Founder", "FOUNDERS");
        Assert.NotNull(await factory.ReferralOfAsync(me.Id));
    }
}
