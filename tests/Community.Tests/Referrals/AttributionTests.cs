using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Features.Referrals;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Community.Tests.Referrals;

public sealed class AttributionTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Fact]
    public async Task Referral_link_redirects_to_signup_sets_cookies_and_the_click_is_stored()
    {
        using var advocate = await factory.MemberAsync("Link Owner");
        var code = await advocate.CodeAsync();
        using var visitor = factory.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/r/{code.ToUpperInvariant()}?utm_source=newsletter");
        request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36");
        var response = await visitor.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/signup?ref={code}", response.Headers.Location!.OriginalString);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith("community.ref=" + code, StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=lax", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(cookies, c => c.StartsWith("community.device=", StringComparison.Ordinal));

        var click = await WaitForClickAsync(code);
        Assert.Equal("newsletter", click.UtmSource);
        Assert.Equal("chrome", click.UserAgentFamily);
        Assert.Equal(1, (await advocate.DashboardAsync()).GetProperty("funnel").Number("clicks"));
    }

    private async Task<ReferralClick> WaitForClickAsync(string code)
    {
        for (var i = 0; i < 100; i++)
        {
            var click = await factory.DbAsync(db => db.Set<ReferralClick>().AsNoTracking()
                .Where(c => db.Set<ReferralCode>().Any(x => x.Id == c.CodeId && x.Code == code)).FirstOrDefaultAsync());
            if (click is not null) return click;
            await Task.Delay(50);
        }
        throw new TimeoutException("The click was never flushed.");
    }

    [Theory]
    [InlineData("nosuchcode")]
    [InlineData("!!bad!!")]
    public async Task Unknown_code_shows_a_friendly_page_that_leads_to_signup(string code)
    {
        var response = await factory.CreateClient().GetAsync($"/r/{Uri.EscapeDataString(code)}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("href=\"/signup\"", html, StringComparison.Ordinal);
        Assert.Contains("still welcome to join", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signup_after_following_a_link_is_attributed_through_the_cookie_and_credits_both_sides()
    {
        using var advocate = await factory.MemberAsync("Cookie Advocate");
        var code = await advocate.CodeAsync();
        using var friend = factory.CreateApiClient();
        await friend.Http.GetAsync($"/r/{code}");
        var me = await friend.JoinWithCodeAsync("Cookie Friend", code: null);
        var referral = await factory.ReferralOfAsync(me.Id);
        Assert.NotNull(referral);
        Assert.Equal("cookie", referral.Source);
        Assert.Equal(advocate.Current!.Id, referral.AdvocateId);
        Assert.Equal(ReferralDecision.Allow, referral.Decision);
        Assert.Contains(await factory.LedgerAsync(advocate.Current.Id), e => e.Reason == RuleKeys.SignupAdvocate && e.Amount == 500);
        Assert.Contains(await factory.LedgerAsync(me.Id), e => e.Reason == RuleKeys.SignupFriend && e.Amount == 500);
    }

    [Fact]
    public async Task Typed_code_attributes_and_unknown_code_is_ignored_when_not_invite_only()
    {
        using var advocate = await factory.MemberAsync("Typed Advocate");
        var code = await advocate.CodeAsync();
        using var a = factory.CreateApiClient();
        var typed = await a.JoinWithCodeAsync("Typed Friend", code.ToUpperInvariant());
        Assert.Equal("typed", (await factory.ReferralOfAsync(typed.Id))!.Source);

        using var b = factory.CreateApiClient();
        var unknown = await b.JoinWithCodeAsync("Unknown Code Friend", "doesnotexist");
        Assert.Null(await factory.ReferralOfAsync(unknown.Id));
    }

    [Fact]
    public async Task Email_invite_token_attributes_the_signup_once()
    {
        using var advocate = await factory.MemberAsync("Inviter");
        var email = $"{Guid.NewGuid():N}@example.org";
        var sent = await ApiClient.ReadAsync<JsonElement>(await advocate.PostAsync("/api/referrals/me/share", new { emails = new[] { email }, message = "Join us!" }), HttpStatusCode.Accepted);
        Assert.Equal(1, sent.GetProperty("sent").GetInt32());
        var mail = await advocate.Mail.WaitForAsync(email, "invited you");
        var token = System.Web.HttpUtility.ParseQueryString(Mailbox.LinkIn(mail, "/signup").Query)["invite"]!;

        using var friend = factory.CreateApiClient();
        var me = await friend.JoinWithCodeAsync("Invited Friend", token, email);
        Assert.Equal("invite", (await factory.ReferralOfAsync(me.Id))!.Source);

        using var second = factory.CreateApiClient();
        var response = await second.PostAsync("/api/account/register", new { email = $"{Guid.NewGuid():N}@example.com", displayName = "Late", password = ApiClient.DefaultPassword, referralCode = token });
        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("already been used", problem.Errors!["referralCode"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exhausted_and_expired_campaign_codes_give_a_clear_field_error()
    {
        using var marketer = await factory.MemberAsync("Campaign Marketer", "Marketing");
        var campaign = await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync("/api/admin/referrals/campaigns",
            new { code = "ONEUSE-" + Guid.NewGuid().ToString("N")[..6], campaignTag = "test", usageLimit = 1 }), HttpStatusCode.Created);
        var code = campaign.GetProperty("code").GetString()!;
        using var first = factory.CreateApiClient();
        var member = await first.JoinWithCodeAsync("First Use", code);
        Assert.NotNull(await factory.ReferralOfAsync(member.Id));

        using var second = factory.CreateApiClient();
        var response = await second.PostAsync("/api/account/register", new { email = $"{Guid.NewGuid():N}@example.com", displayName = "Second Use", password = ApiClient.DefaultPassword, referralCode = code });
        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("used up", problem.Errors!["referralCode"][0], StringComparison.Ordinal);

        var uses = await ApiClient.ReadAsync<JsonElement>(await marketer.GetAsync($"/api/admin/referrals/campaigns/{campaign.GetProperty("id").GetInt64()}/uses"));
        Assert.Equal(1, uses.GetArrayLength());
        Assert.Equal("First Use", uses[0].GetProperty("displayName").GetString());

        var exhaustedLink = await factory.CreateClient().GetAsync($"/r/{code}");
        Assert.Equal(HttpStatusCode.NotFound, exhaustedLink.StatusCode);
        Assert.Contains("used up", await exhaustedLink.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_may_claim_a_code_within_seven_days_and_only_once()
    {
        using var advocate = await factory.MemberAsync("Claim Advocate");
        var code = await advocate.CodeAsync();
        using var member = await factory.MemberAsync("Cross Device");
        Assert.True((await member.DashboardAsync()).GetProperty("canClaim").GetBoolean());
        var claimed = await ApiClient.ReadAsync<JsonElement>(await member.PostAsync("/api/referrals/claim", new { code }));
        Assert.Equal("signed up", claimed.GetProperty("status").GetString());
        Assert.Equal("claim", (await factory.ReferralOfAsync(member.Current!.Id))!.Source);
        await ApiClient.ProblemAsync(await member.PostAsync("/api/referrals/claim", new { code }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_vanity_code_is_validated_and_a_taken_one_is_409()
    {
        using var first = await factory.MemberAsync("Vanity One");
        using var second = await factory.MemberAsync("Vanity Two");
        var name = "vanity-" + Guid.NewGuid().ToString("N")[..8];
        var ok = await ApiClient.ReadAsync<JsonElement>(await first.PutAsync("/api/referrals/me/vanity", new { code = name.ToUpperInvariant() }));
        Assert.EndsWith("/r/" + name, ok.GetProperty("link").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await first.Http.GetAsync("/r/" + name)).StatusCode);
        var taken = await ApiClient.ProblemAsync(await second.PutAsync("/api/referrals/me/vanity", new { code = name }), HttpStatusCode.Conflict);
        Assert.Contains("code", taken.Errors!.Keys);
        Assert.Contains("code", (await ApiClient.ProblemAsync(await second.PutAsync("/api/referrals/me/vanity", new { code = "admin" }), HttpStatusCode.BadRequest)).Errors!.Keys);
        Assert.Contains("code", (await ApiClient.ProblemAsync(await second.PutAsync("/api/referrals/me/vanity", new { code = "no spaces!" }), HttpStatusCode.BadRequest)).Errors!.Keys);
        Assert.Contains("code", (await ApiClient.ProblemAsync(await second.PutAsync("/api/referrals/me/vanity", new { code = "shit-happens" }), HttpStatusCode.BadRequest)).Errors!.Keys);
    }

    [Fact]
    public async Task Qr_codes_come_as_png_and_svg()
    {
        using var advocate = await factory.MemberAsync("Qr Owner");
        var png = await advocate.GetAsync("/api/referrals/me/qr.png");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0x89, (await png.Content.ReadAsByteArrayAsync())[0]);
        var svg = await advocate.GetAsync("/api/referrals/me/qr.svg");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await svg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leaderboard_shows_display_names_only_and_respects_opt_out()
    {
        using var advocate = await factory.MemberAsync("Board Leader");
        var code = await advocate.CodeAsync();
        using var friend = factory.CreateApiClient();
        await friend.JoinWithCodeAsync("Board Friend", code);
        var text = await (await advocate.GetAsync("/api/referrals/leaderboard")).Content.ReadAsStringAsync();
        Assert.Contains("Board Leader", text, StringComparison.Ordinal);
        Assert.DoesNotContain("@", text, StringComparison.Ordinal);
        Assert.DoesNotContain(advocate.Current!.UserName, text, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await advocate.PutAsync("/api/referrals/me/leaderboard", new { optOut = true })).StatusCode);
        Assert.DoesNotContain("Board Leader", await (await advocate.GetAsync("/api/referrals/leaderboard")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await advocate.DashboardAsync()).GetProperty("rank").ValueKind);
    }

    [Fact]
    public async Task Test_referrals_show_as_test_and_never_pay()
    {
        using var advocate = await factory.MemberAsync("Tester");
        var test = await ApiClient.ReadAsync<JsonElement>(await advocate.PostAsync("/api/referrals/me/test", new { label = "Trying my link" }), HttpStatusCode.Created);
        var key = await ReferralKit.CreateKeyAsync(factory);
        var result = await factory.EventOkAsync(factory.CreateClient(), key, new
        {
            id = "test-pay", type = "conversion", customer = new { externalId = test.GetProperty("externalCustomerId").GetString() }, amount = 9900, currency = "USD",
        });
        Assert.Equal("test", result.GetProperty("status").GetString());
        Assert.Empty(await factory.LedgerAsync(advocate.Current!.Id));
        var referral = (await advocate.DashboardAsync()).GetProperty("referrals")[0];
        Assert.Equal("test", referral.GetProperty("status").GetString());
        Assert.Equal("Trying my link", referral.GetProperty("who").GetString());
    }

    [Fact]
    public async Task The_ledger_refuses_updates_and_deletes_in_the_database()
    {
        using var advocate = await factory.MemberAsync("Append Only");
        var code = await advocate.CodeAsync();
        using var friend = factory.CreateApiClient();
        await friend.JoinWithCodeAsync("Append Friend", code);
        var id = (await factory.LedgerAsync(advocate.Current!.Id))[0].Id;
        var update = await Assert.ThrowsAsync<SqliteException>(() =>
            factory.DbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE \"LedgerEntries\" SET \"Amount\" = 1 WHERE \"Id\" = {id}")));
        var delete = await Assert.ThrowsAsync<SqliteException>(() =>
            factory.DbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM \"LedgerEntries\" WHERE \"Id\" = {id}")));
        Assert.All([update, delete], e => Assert.Contains("append-only", e.Message, StringComparison.Ordinal)); // the trigger, not some other failure
    }
}
