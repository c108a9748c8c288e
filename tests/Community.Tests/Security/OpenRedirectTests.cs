using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Security;

namespace Community.Tests.Security;

/// <summary>Return and landing URLs: only paths on this site, however they are encoded (issue #9, item 1).</summary>
public sealed class OpenRedirectTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    public static TheoryData<string> Offsite => [.. ReturnUrlAttacks.Offsite];

    public static TheoryData<string> Local => [.. ReturnUrlAttacks.Local];

    [Theory]
    [MemberData(nameof(Offsite))]
    public void Return_url_check_refuses_every_offsite_encoding(string raw) =>
        Assert.False(LocalUrls.IsLocal(Uri.UnescapeDataString(raw)), raw);

    [Theory]
    [MemberData(nameof(Local))]
    public void Return_url_check_keeps_paths_on_this_site(string raw) => Assert.True(LocalUrls.IsLocal(Uri.UnescapeDataString(raw)), raw);

    [Theory]
    [MemberData(nameof(Offsite))]
    public async Task Signin_page_never_hands_an_offsite_return_url_to_its_script(string raw)
    {
        using var client = factory.CreateApiClient();
        var response = await client.GetAsync("/signin?returnUrl=" + raw);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/signup?ref=friend&returnUrl=/%09/evil.example/", "/signup?ref=friend")]
    [InlineData("/confirm-email?userId=u1&token=t&ReturnUrl=//evil.example", "/confirm-email?userId=u1&token=t")]
    [InlineData("/reset-password?email=a%40b.example&returnUrl=%5c%5cevil.example", "/reset-password?email=a@b.example")]
    public async Task Sign_up_confirmation_and_reset_pages_drop_an_offsite_return_url_and_keep_the_rest(string url, string expected)
    {
        using var client = factory.CreateApiClient();
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
    }

    [Theory]
    [MemberData(nameof(Local))]
    public async Task Signin_page_keeps_a_local_return_url(string raw)
    {
        using var client = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signin?returnUrl=" + Uri.EscapeDataString(Uri.UnescapeDataString(raw)))).StatusCode);
    }

    [Theory]
    [InlineData("/%09/evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("https://user:pass@evil.example/")]
    [InlineData("https://evil.example\\@good.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task Referral_landing_url_refuses_what_a_browser_would_take_off_site(string landing)
    {
        using var admin = await factory.MemberAsync("Landing Admin", "Admin");
        var program = await ApiClient.ReadAsync<Dictionary<string, System.Text.Json.JsonElement>>(await admin.GetAsync("/api/admin/referrals/program"));
        var body = program.ToDictionary(p => p.Key, p => (object?)p.Value);
        body["landingUrl"] = Uri.UnescapeDataString(landing);
        var problem = await ApiClient.ProblemAsync(await admin.PutAsync("/api/admin/referrals/program", body), HttpStatusCode.BadRequest);
        Assert.Contains("landingUrl", problem.Errors!.Keys);
    }

    [Fact]
    public void Referral_landing_url_may_be_the_product_site_or_a_local_path()
    {
        Assert.True(LocalUrls.IsSafeLanding("https://product.example/pricing?plan=team"));
        Assert.True(LocalUrls.IsSafeLanding("/signup"));
    }
}
