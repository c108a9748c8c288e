using System.Net.Http.Headers;
using Community.Tests.Infrastructure;

namespace Community.Tests.Security;

public sealed class CsrfAndAuthorizationTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Fact]
    public async Task A_cross_site_form_post_with_the_victims_cookie_is_refused()
    {
        using var victim = await factory.MemberAsync("Victim Person");
        var email = victim.Current!.Email;
        // What a hostile page's <form method=post> sends: the cookie rides along, but no anti-forgery header.
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/me/password")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["currentPassword"] = "x", ["newPassword"] = "attacker chosen pass" }),
        };
        forged.Headers.Add("Origin", "https://evil.example");
        var response = await victim.Http.SendAsync(forged);
        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.EndsWith("/csrf", problem.Type, StringComparison.Ordinal);

        // And a JSON write without the header is refused the same way.
        var json = await victim.Http.PostAsJsonAsync("/api/me/password", new { currentPassword = ApiClient.DefaultPassword, newPassword = "attacker chosen pass" });
        Assert.Equal(HttpStatusCode.Forbidden, json.StatusCode);

        // The password did not change.
        await victim.SignOutAsync();
        await victim.SignInAsync(email);
    }

    [Fact]
    public async Task A_token_from_another_session_is_refused()
    {
        using var alice = await factory.MemberAsync("Alice Token");
        using var mallory = await factory.MemberAsync("Mallory Token");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/me") { Content = JsonContent.Create(new { displayName = "Hacked" }) };
        request.Headers.Add("X-CSRF-TOKEN", await mallory.CsrfAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_member_calling_an_admin_endpoint_gets_403_and_anonymous_gets_401()
    {
        using var member = await factory.MemberAsync("Plain Member");
        await ApiClient.ProblemAsync(await member.GetAsync("/api/admin/members"), HttpStatusCode.Forbidden);
        await ApiClient.ProblemAsync(await member.PutAsync($"/api/admin/members/{member.Current!.Id}/roles", new { roles = new[] { "Admin" } }), HttpStatusCode.Forbidden);

        using var anonymous = factory.CreateApiClient();
        await ApiClient.ProblemAsync(await anonymous.GetAsync("/api/admin/members"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_admin_grants_a_role_and_it_takes_effect()
    {
        using var admin = await factory.MemberAsync("Admin Person", "Admin");
        using var member = await factory.MemberAsync("Future Moderator");
        var response = await admin.PutAsync($"/api/admin/members/{member.Current!.Id}/roles", new { roles = new[] { "Moderator" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var bad = await ApiClient.ProblemAsync(await admin.PutAsync($"/api/admin/members/{member.Current.Id}/roles", new { roles = new[] { "Emperor" } }), HttpStatusCode.BadRequest);
        Assert.Contains("roles", bad.Errors!.Keys);

        await member.SignInAsync(member.Current.Email);
        var me = await ApiClient.ReadAsync<Me>(await member.GetAsync("/api/me"));
        Assert.Contains("Moderator", me.Roles);
    }

    [Fact]
    public async Task Responses_carry_a_strict_content_security_policy_and_no_sniffing()
    {
        using var client = factory.CreateApiClient();
        var page = await client.GetAsync("/");
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(page.Headers.Contains("Referrer-Policy"));
    }
}
