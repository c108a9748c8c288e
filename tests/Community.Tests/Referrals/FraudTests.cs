using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Features.Referrals;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Referrals;

public sealed class FraudTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Fact]
    public async Task Claiming_your_own_code_is_a_blocked_self_referral_explained_kindly()
    {
        using var member = await factory.MemberAsync("Self Claimer");
        var code = await member.CodeAsync();
        var claimed = await ApiClient.ReadAsync<JsonElement>(await member.PostAsync("/api/referrals/claim", new { code }));
        Assert.Equal("not eligible", claimed.GetProperty("status").GetString());
        Assert.Contains("Referring yourself", claimed.GetProperty("explanations")[0].GetString(), StringComparison.Ordinal);
        var referral = await factory.ReferralOfAsync(member.Current!.Id);
        Assert.Equal(ReferralDecision.Block, referral!.Decision);
        Assert.Contains(ReasonCodes.SelfReferral, referral.Reasons, StringComparison.Ordinal);
        Assert.Empty(await factory.LedgerAsync(member.Current.Id));
    }

    [Fact]
    public async Task Same_gmail_address_with_dots_and_a_plus_tag_is_a_self_referral()
    {
        var local = "self." + Guid.NewGuid().ToString("N")[..8];
        using var advocate = factory.CreateApiClient();
        await advocate.JoinAsync("Gmail Advocate", $"{local}@gmail.com");
        var code = await advocate.CodeAsync();
        using var alias = factory.CreateApiClient();
        var me = await alias.JoinWithCodeAsync("Gmail Alias", code, $"{local.Replace(".", "", StringComparison.Ordinal).ToUpperInvariant()}+promo@googlemail.com");
        var referral = await factory.ReferralOfAsync(me.Id);
        Assert.Equal(ReferralDecision.Block, referral!.Decision);
        Assert.Contains(ReasonCodes.SelfReferral, referral.Reasons, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Same_device_as_the_advocate_holds_the_referral_for_review()
    {
        using var browser = await factory.MemberAsync("Device Advocate");
        var code = await browser.CodeAsync(); // the dashboard visit remembers this browser's device cookie
        await browser.SignOutAsync();
        var me = await browser.JoinWithCodeAsync("Device Friend", code);
        var referral = await factory.ReferralOfAsync(me.Id);
        Assert.Equal(ReferralDecision.Review, referral!.Decision);
        Assert.Contains(ReasonCodes.SameDevice, referral.Reasons, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposable_email_is_held_and_approval_in_review_grants_the_credits()
    {
        using var advocate = await factory.MemberAsync("Disposable Advocate");
        var code = await advocate.CodeAsync();
        using var friend = factory.CreateApiClient();
        var me = await friend.JoinWithCodeAsync("Throwaway", code, $"{Guid.NewGuid():N}@mailinator.com");
        var referral = await factory.ReferralOfAsync(me.Id);
        Assert.Equal(ReferralDecision.Review, referral!.Decision);
        Assert.Contains(ReasonCodes.DisposableEmail, referral.Reasons, StringComparison.Ordinal);
        Assert.Empty(await factory.LedgerAsync(advocate.Current!.Id));
        var mine = (await advocate.DashboardAsync()).GetProperty("referrals")[0];
        Assert.Equal("in review", mine.GetProperty("status").GetString());
        Assert.Contains("temporary email", mine.GetProperty("explanations")[0].GetString(), StringComparison.Ordinal);

        using var moderator = await factory.MemberAsync("Reviewer", "Marketing");
        var queue = await ApiClient.ReadAsync<JsonElement>(await moderator.GetAsync("/api/admin/referrals/review"));
        var item = queue.EnumerateArray().Single(i => i.GetProperty("id").GetInt64() == referral.Id);
        Assert.Equal("Disposable email domain.", item.GetProperty("explanations")[0].GetString());
        await ApiClient.ProblemAsync(await moderator.PostAsync($"/api/admin/referrals/review/{referral.Id}", new { approve = true }), HttpStatusCode.BadRequest);
        await ApiClient.ReadAsync<JsonElement>(await moderator.PostAsync($"/api/admin/referrals/review/{referral.Id}", new { approve = true, reason = "Known customer, real person." }));
        Assert.Contains(await factory.LedgerAsync(advocate.Current.Id), e => e.Reason == RuleKeys.SignupAdvocate);
        await ApiClient.ProblemAsync(await moderator.PostAsync($"/api/admin/referrals/review/{referral.Id}", new { approve = false, reason = "Changed my mind" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Rejected_referrals_never_pay_and_say_so()
    {
        using var advocate = await factory.MemberAsync("Rejected Advocate");
        var code = await advocate.CodeAsync();
        using var friend = factory.CreateApiClient();
        var me = await friend.JoinWithCodeAsync("Rejected Friend", code, $"{Guid.NewGuid():N}@yopmail.com");
        var referral = await factory.ReferralOfAsync(me.Id);
        using var marketer = await factory.MemberAsync("Rejecter", "Marketing");
        await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync($"/api/admin/referrals/review/{referral!.Id}", new { approve = false, reason = "Throwaway accounts." }));
        var key = await ReferralKit.CreateKeyAsync(factory);
        var result = await factory.EventOkAsync(factory.CreateClient(), key, new { id = "rej-pay", type = "conversion", customer = new { email = me.Email }, amount = 1000, currency = "USD" });
        Assert.Equal("blocked", result.GetProperty("status").GetString());
        Assert.Empty(await factory.LedgerAsync(advocate.Current!.Id));
        Assert.Equal("not eligible", (await advocate.DashboardAsync()).GetProperty("referrals")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_conversion_with_no_prior_attribution_is_held_for_review()
    {
        using var advocate = await factory.MemberAsync("Late Attribution");
        var code = await advocate.CodeAsync();
        var key = await ReferralKit.CreateKeyAsync(factory);
        var result = await factory.EventOkAsync(factory.CreateClient(), key, new
        {
            id = "np-1", type = "conversion", customer = new { externalId = "cus_np_" + Guid.NewGuid().ToString("N")[..6], email = $"{Guid.NewGuid():N}@example.net" },
            amount = 1000, currency = "USD", code,
        });
        Assert.Equal("held", result.GetProperty("status").GetString());
        Assert.Contains(ReasonCodes.NoPriorAttribution, result.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Empty(await factory.LedgerAsync(advocate.Current!.Id));
    }

    [Fact]
    public async Task A_shared_ip_alone_only_raises_the_score()
    {
        using var advocate = await factory.MemberAsync("Office Advocate");
        var code = await advocate.CodeAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Community.Web.Data.CommunityDb>();
        var settings = await db.Set<AdvocateSettings>().FindAsync(advocate.Current!.Id);
        settings!.LastIpHash = "office-hash";
        await db.SaveChangesAsync();
        var info = (await scope.ServiceProvider.GetRequiredService<CodeDirectory>().FindAsync(code))!;
        var assessment = await scope.ServiceProvider.GetRequiredService<FraudSignals>()
            .AssessAsync(info, "someone-else", "colleague@example.com", null, "office-hash", 10, noPriorAttribution: false, default);
        Assert.Equal([ReasonCodes.SharedIp], assessment.Reasons);
        Assert.Equal(ReferralDecision.Allow, assessment.Decision);
        Assert.True(assessment.Score > 0);
    }

    [Fact]
    public void Email_normalising_ignores_case_dots_and_plus_tags_where_the_provider_does()
    {
        Assert.Equal("johnsmith@gmail.com", EmailRules.Normalise("John.Smith+news@GoogleMail.com"));
        Assert.Equal("john.smith@example.com", EmailRules.Normalise("John.Smith+news@Example.com"));
    }
}

/// <summary>Velocity needs its own program settings, so its own app.</summary>
public sealed class VelocityTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Fact]
    public async Task More_than_N_signups_per_code_per_hour_are_held_for_velocity()
    {
        await factory.SetProgramAsync(p => p["velocityPerHour"] = 2);
        using var advocate = await factory.MemberAsync("Viral Advocate");
        var code = await advocate.CodeAsync();
        var decisions = new List<Referral>();
        for (var i = 0; i < 3; i++)
        {
            using var friend = factory.CreateApiClient();
            var me = await friend.JoinWithCodeAsync($"Viral Friend {i}", code);
            decisions.Add((await factory.ReferralOfAsync(me.Id))!);
        }
        Assert.Equal(ReferralDecision.Allow, decisions[1].Decision);
        Assert.Equal(ReferralDecision.Review, decisions[2].Decision);
        Assert.Contains(ReasonCodes.Velocity, decisions[2].Reasons, StringComparison.Ordinal);
    }
}
