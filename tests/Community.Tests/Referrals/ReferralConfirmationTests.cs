using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Features.Referrals;

namespace Community.Tests.Referrals;

/// <summary>Issue #8: a referral sign-up counts and earns only once the new member has confirmed their email.</summary>
public sealed class ReferralConfirmationTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    private const string FunnelUrl = "/api/admin/referrals/funnel?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z";

    private static async Task<System.Collections.Specialized.NameValueCollection> LinkAsync(ApiClient client, string email, string subject,
        string path) =>
        System.Web.HttpUtility.ParseQueryString(Mailbox.LinkIn(await client.Mail.WaitForAsync(email, subject), path).Query);

    [Fact]
    public async Task A_referral_sign_up_that_never_confirms_earns_no_credit_and_is_not_counted_until_it_does()
    {
        using var advocate = await factory.MemberAsync("Awaiting Advocate");
        var code = await advocate.CodeAsync();
        using var admin = await factory.MemberAsync("Funnel Admin", "Admin");
        var baseline = (await ApiClient.ReadAsync<List<FunnelRow>>(await admin.GetAsync(FunnelUrl))).Sum(r => r.Signups);
        using var friend = factory.CreateApiClient();
        var email = $"{Guid.NewGuid():N}@example.com";
        await ApiClient.ReadAsync<JsonElement>(await friend.PostAsync("/api/account/register",
            new { email, displayName = "Unconfirmed Una", password = ApiClient.DefaultPassword, referralCode = code }), HttpStatusCode.Accepted);

        Assert.DoesNotContain(await factory.LedgerAsync(advocate.Current!.Id), e => e.Reason == RuleKeys.SignupAdvocate);
        var before = await advocate.DashboardAsync();
        Assert.Equal(0, before.GetProperty("funnel").GetProperty("signups").GetInt32());
        Assert.Equal(0, before.GetProperty("balances").GetProperty("pending").GetInt64());
        var waiting = Assert.Single(before.GetProperty("referrals").EnumerateArray());
        Assert.Equal("awaiting confirmation", waiting.GetProperty("status").GetString());
        var funnel = await ApiClient.ReadAsync<List<FunnelRow>>(await admin.GetAsync(FunnelUrl));
        Assert.Equal(baseline, funnel.Sum(r => r.Signups));

        await friend.ConfirmFromMailAsync(email);

        var credit = Assert.Single(await factory.LedgerAsync(advocate.Current.Id), e => e.Reason == RuleKeys.SignupAdvocate);
        Assert.True(credit.Amount > 0);
        var after = await advocate.DashboardAsync();
        Assert.Equal(1, after.GetProperty("funnel").GetProperty("signups").GetInt32());
        Assert.Equal("signed up", after.GetProperty("referrals").EnumerateArray().Single().GetProperty("status").GetString());
        funnel = await ApiClient.ReadAsync<List<FunnelRow>>(await admin.GetAsync(FunnelUrl));
        Assert.Equal(baseline + 1, funnel.Sum(r => r.Signups));

        // Exactly once: confirming again, or proving the address by a password reset, grants nothing more.
        var link = await LinkAsync(friend, email, "Confirm your email", "/confirm-email");
        var again = await friend.PostAsync("/api/account/confirm-email", new { userId = link["userId"], token = link["token"] });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await friend.PostAsync("/api/account/forgot-password", new { email });
        var reset = await LinkAsync(friend, email, "Reset your", "/reset-password");
        Assert.Equal(HttpStatusCode.OK, (await friend.PostAsync("/api/account/reset-password",
            new { email, token = reset["token"], password = "a different passphrase" })).StatusCode);
        Assert.Single(await factory.LedgerAsync(advocate.Current.Id), e => e.Reason == RuleKeys.SignupAdvocate);
    }

    [Fact]
    public async Task A_referral_confirmed_through_a_password_reset_is_credited_once()
    {
        using var advocate = await factory.MemberAsync("Reset Advocate");
        var code = await advocate.CodeAsync();
        using var friend = factory.CreateApiClient();
        var email = $"{Guid.NewGuid():N}@example.com";
        await ApiClient.ReadAsync<JsonElement>(await friend.PostAsync("/api/account/register",
            new { email, displayName = "Reset Rob", password = ApiClient.DefaultPassword, referralCode = code }), HttpStatusCode.Accepted);
        Assert.DoesNotContain(await factory.LedgerAsync(advocate.Current!.Id), e => e.Reason == RuleKeys.SignupAdvocate);

        await friend.PostAsync("/api/account/forgot-password", new { email });
        var reset = await LinkAsync(friend, email, "Reset your", "/reset-password");
        Assert.Equal(HttpStatusCode.OK, (await friend.PostAsync("/api/account/reset-password",
            new { email, token = reset["token"], password = "a different passphrase" })).StatusCode);

        Assert.Single(await factory.LedgerAsync(advocate.Current.Id), e => e.Reason == RuleKeys.SignupAdvocate);
    }
}
