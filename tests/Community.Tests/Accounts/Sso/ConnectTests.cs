using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts.Sso;

namespace Community.Tests.Accounts.Sso;

/// <summary>Issue #11: the DiscourseConnect-compatible signed-payload sign-in, against a product side written in the test.</summary>
public sealed class ConnectTests(SsoFactory factory) : IClassFixture<SsoFactory>
{
    private static KeyValuePair<string, string> F(string key, string value) => new(key, value);

    /// <summary>Starts a sign-in as a browser would and returns the product's view of it.</summary>
    private static async Task<(string Nonce, Uri ReturnUrl)> StartAsync(ApiClient browser, string returnUrl = "/forums")
    {
        var start = await browser.GetAsync("/auth/connect/start?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith(SsoFactory.ProductUrl + "?sso=", start.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        return AcmeProduct.Read(start.Headers.Location);
    }

    private static async Task<bool> SignedInAsync(ApiClient browser) => (await browser.GetAsync("/api/me")).StatusCode == HttpStatusCode.OK;

    [Fact]
    public async Task The_published_DiscourseConnect_example_verifies_and_reads_as_DiscourseConnect_means_it()
    {
        // From "DiscourseConnect - Official Single-Sign-On for Discourse" (meta.discourse.org/t/13045), the worked example.
        const string request = "bm9uY2U9Y2I2ODI1MWVlZmI1MjExZTU4YzAwZmYxMzk1ZjBjMGI=\n";
        Assert.Equal("2828aa29899722b35a2f191d34ef9b3ce695e0e6eeec47deb46d588d70c7cb56", ConnectProtocol.Sign(SsoFactory.Secret, request));
        const string answer = "bm9uY2U9Y2I2ODI1MWVlZmI1MjExZTU4YzAwZmYxMzk1ZjBjMGImbmFtZT1zYW0mdXNlcm5hbWU9c2Ftc2FtJmVtYWlsPXRlc3QlNDB0ZXN0LmNvbSZleHRlcm5h"
            + "bF9pZD1oZWxsbzEyMyZyZXF1aXJlX2FjdGl2YXRpb249dHJ1ZQ==";
        const string sig = "3d7e5ac755a87ae3ccf90272644ed2207984db03cf020377c8b92ff51be3abc3";
        Assert.True(ConnectProtocol.Verify(SsoFactory.Secret, answer, sig));
        Assert.False(ConnectProtocol.Verify(SsoFactory.Secret, answer, "3d7e5ac755a87ae3ccf90272644ed2207984db03cf020377c8b92ff51be3abc4"));
        Assert.False(ConnectProtocol.Verify("another secret!", answer, sig));

        var fields = ConnectProtocol.Decode(answer)!;
        Assert.Equal("cb68251eefb5211e58c00ff1395f0c0b", fields["nonce"]);
        var profile = ConnectProtocol.ToProfile(fields);
        Assert.Equal(("hello123", "test@test.com", "samsam", "sam"), (profile.ExternalId, profile.Email, profile.UserName, profile.Name));
        Assert.False(profile.EmailVerified); // require_activation=true: the product did not validate the address
        Assert.True(ConnectProtocol.ToProfile(new Dictionary<string, string> { ["external_id"] = "x" }).EmailVerified);
    }

    [Fact]
    public async Task A_new_customer_is_created_just_in_time_with_attributes_and_lands_back_where_they_were()
    {
        using var browser = factory.CreateApiClient();
        var (nonce, returnUrl) = await StartAsync(browser, "/forums?page=2");
        var callback = await browser.GetAsync(AcmeProduct.Answer(returnUrl,
        [
            F("nonce", nonce), F("external_id", "acme-1001"), F("email", "grace@acme-customer.example"), F("username", "Grace.Hopper"),
            F("name", "Grace Hopper"), F("groups", "community-moderators,beta"), F("custom.region", "EU"), F("custom.internal", "drop me"),
            F("custom.plan", "Enterprise"), F("custom.account_id", "org-7"), F("custom.account_name", "Navy"),
        ]));

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/forums?page=2", callback.Headers.Location!.OriginalString);
        var me = await ApiClient.ReadAsync<Me>(await browser.GetAsync("/api/me"));
        Assert.Equal(("grace_hopper", "Grace Hopper", true), (me.UserName, me.DisplayName, me.EmailConfirmed));
        Assert.Contains("Moderator", me.Roles);
        var member = (await factory.MemberByExternalIdAsync("acme-1001"))!;
        Assert.Equal(("Enterprise", "org-7", "Navy"), (member.Plan, member.AccountId, member.AccountName));
        Assert.Equal("""{"region":"EU"}""", member.ProductAttributes); // only the admin's keys are kept
        Assert.Null(member.PasswordHash);

        // Next sign-in refreshes the attributes and drops the mapped role the product no longer grants.
        using var again = factory.CreateApiClient();
        var second = await StartAsync(again);
        Assert.Equal(HttpStatusCode.Redirect, (await again.GetAsync(AcmeProduct.Answer(second.ReturnUrl,
            [F("nonce", second.Nonce), F("external_id", "acme-1001"), F("email", "grace@acme-customer.example"), F("groups", "beta"),
             F("custom.plan", "Starter")]))).StatusCode);
        member = (await factory.MemberByExternalIdAsync("acme-1001"))!;
        Assert.Equal("Starter", member.Plan);
        Assert.DoesNotContain("Moderator", await factory.RolesOfAsync(member));
    }

    [Fact]
    public async Task A_second_customer_with_the_same_username_gets_a_numbered_handle()
    {
        foreach (var id in new[] { "dup-1", "dup-2" })
        {
            using var browser = factory.CreateApiClient();
            var (nonce, back) = await StartAsync(browser);
            await browser.GetAsync(AcmeProduct.Answer(back, [F("nonce", nonce), F("external_id", id), F("email", id + "@x.example"), F("username", "Lin Dup")]));
        }
        Assert.Equal("lin_dup", (await factory.MemberByExternalIdAsync("dup-1"))!.UserName);
        Assert.Equal("lin_dup2", (await factory.MemberByExternalIdAsync("dup-2"))!.UserName);
    }

    [Fact]
    public async Task An_unverified_email_never_links_to_an_existing_account_and_a_verified_one_links_and_tells_the_owner()
    {
        using var owner = factory.CreateApiClient();
        var local = await owner.JoinAsync("Olive Owner");

        using var attacker = factory.CreateApiClient();
        var (nonce, back) = await StartAsync(attacker);
        var refused = await attacker.GetAsync(AcmeProduct.Answer(back,
            [F("nonce", nonce), F("external_id", "attacker-1"), F("email", local.Email), F("require_activation", "true")]));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("text/html", refused.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.False(await SignedInAsync(attacker));
        Assert.Null((await factory.MemberByEmailAsync(local.Email))!.ExternalId);
        Assert.Null(await factory.MemberByExternalIdAsync("attacker-1"));

        using var customer = factory.CreateApiClient();
        var verified = await StartAsync(customer);
        var linked = await customer.GetAsync(AcmeProduct.Answer(verified.ReturnUrl,
            [F("nonce", verified.Nonce), F("external_id", "olive-9"), F("email", local.Email)]));
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);
        Assert.Equal(local.Id, (await ApiClient.ReadAsync<Me>(await customer.GetAsync("/api/me"))).Id);
        Assert.Equal("olive-9", (await factory.MemberByEmailAsync(local.Email))!.ExternalId);
        Assert.Contains("Acme", await owner.Mail.WaitForAsync(local.Email, "Your account is now linked to Acme"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampered_payloads_or_signatures_foreign_browsers_and_bad_values_get_an_error_page_and_change_nothing()
    {
        var before = await factory.MemberCountAsync();
        using var browser = factory.CreateApiClient();
        var (nonce, back) = await StartAsync(browser);
        var honest = AcmeProduct.Answer(back, [F("nonce", nonce), F("external_id", "tamper-1"), F("email", "tamper@x.example")]);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + honest).Query);
        var payload = query["sso"].ToString();
        var forged = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"nonce={nonce}&external_id=admin-1&email=boss%40x.example"));

        string[] bad =
        [
            AcmeProduct.Callback(back, forged, query["sig"].ToString()), // payload swapped, signature kept
            AcmeProduct.Callback(back, payload, new string('0', 64)), // signature forged
            AcmeProduct.Callback(back, payload, AcmeProduct.Sign(payload, "not the shared secret")),
            AcmeProduct.Callback(back, payload, ""),
            AcmeProduct.Answer(back, [F("nonce", nonce), F("external_id", "tamper-1"), F("email", "t@x.example"), F("name", "<script>x</script>")]),
            AcmeProduct.Answer(back, [F("nonce", nonce), F("external_id", "tamper-1"), F("email", "t@x.example"), F("name", new string('a', 100_000))]),
            AcmeProduct.Answer(back, [F("nonce", nonce), F("external_id", "tamper-1"), F("email", "t@x.example"), F("custom.region", new string('b', 5000))]),
        ];
        foreach (var url in bad)
        {
            var response = await browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("Nothing was changed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await factory.MemberCountAsync());
        Assert.False(await SignedInAsync(browser));

        // The honest answer opened in another browser (a link sent to a victim) is refused too; in the right browser it works.
        using var victim = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await victim.GetAsync(honest)).StatusCode);
        Assert.False(await SignedInAsync(victim));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(honest)).StatusCode);
        Assert.True(await SignedInAsync(browser));
    }

    [Fact]
    public async Task A_nonce_works_once_and_not_after_ten_minutes()
    {
        using var browser = factory.CreateApiClient();
        var (nonce, back) = await StartAsync(browser);
        var answer = AcmeProduct.Answer(back, [F("nonce", nonce), F("external_id", "once-1"), F("email", "once@x.example")]);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(answer)).StatusCode);
        using var replay = factory.CreateApiClient();
        var stolenCookie = $"{ConnectEndpoints.CookieName}={nonce}";
        replay.Http.DefaultRequestHeaders.Add("Cookie", stolenCookie);
        Assert.Equal(HttpStatusCode.BadRequest, (await replay.GetAsync(answer)).StatusCode);
        Assert.False(await SignedInAsync(replay));

        using var slow = factory.CreateApiClient();
        var late = await StartAsync(slow);
        factory.Clock.Advance(TimeSpan.FromMinutes(11));
        try
        {
            var expired = await slow.GetAsync(AcmeProduct.Answer(late.ReturnUrl, [F("nonce", late.Nonce), F("external_id", "late-1"), F("email", "late@x.example")]));
            Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
            Assert.Contains("10 minutes", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Null(await factory.MemberByExternalIdAsync("late-1"));
        }
        finally
        {
            factory.Clock.Advance(TimeSpan.FromMinutes(-11));
        }
    }

    [Fact]
    public async Task A_foreign_return_url_is_replaced_by_the_home_page()
    {
        using var browser = factory.CreateApiClient();
        var (nonce, back) = await StartAsync(browser, "https://evil.example/phish");
        var callback = await browser.GetAsync(AcmeProduct.Answer(back, [F("nonce", nonce), F("external_id", "home-1"), F("email", "home@x.example")]));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/", callback.Headers.Location!.OriginalString);
    }
}
