using Community.Tests.Infrastructure;

namespace Community.Tests.Accounts;

public sealed class AccountFlowTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Fact]
    public async Task Register_confirm_sign_in_then_me_shows_the_member()
    {
        using var client = factory.CreateApiClient();
        var email = $"ana.{Guid.NewGuid():N}@example.com";

        await client.RegisterAsync(email, "Ana Lima");

        // Unconfirmed accounts cannot sign in yet, and are told why.
        var early = await client.PostAsync("/api/account/signin", new { email, password = ApiClient.DefaultPassword });
        Assert.Equal("email_unconfirmed", (await ApiClient.ProblemAsync(early, HttpStatusCode.Forbidden)).Code);

        await client.ConfirmFromMailAsync(email);
        await client.SignInAsync(email);

        var me = await ApiClient.ReadAsync<Me>(await client.GetAsync("/api/me"));
        Assert.Equal("Ana Lima", me.DisplayName);
        Assert.Equal(email, me.Email);
        Assert.StartsWith("ana_lima", me.UserName, StringComparison.Ordinal);
        Assert.True(me.EmailConfirmed);
        Assert.Contains("Member", me.Roles);
    }

    [Fact]
    public async Task Signed_out_member_is_anonymous_to_me_and_cannot_edit_a_profile()
    {
        using var client = await factory.MemberAsync("Ben Okafor");
        await client.SignOutAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/api/me")).StatusCode);
        await ApiClient.ProblemAsync(await client.PutAsync("/api/me", new { displayName = "Ben" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Members_edit_their_profile_and_the_public_profile_never_shows_the_email()
    {
        using var client = await factory.MemberAsync("Chloe Martin");
        var handle = $"chloe{Random.Shared.Next(100000)}";
        var updated = await ApiClient.ReadAsync<Me>(await client.PutAsync("/api/me", new { displayName = "Chloe M.", bio = "Dashboards and coffee.", userName = handle }));
        Assert.Equal("Chloe M.", updated.DisplayName);

        using var anonymous = factory.CreateApiClient();
        var response = await anonymous.GetAsync($"/api/members/{handle}");
        var json = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Dashboards and coffee.", json, StringComparison.Ordinal);
        Assert.DoesNotContain("@example.com", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taken_username_is_a_409_with_the_field_named()
    {
        using var first = await factory.MemberAsync("Dev Patel");
        using var second = await factory.MemberAsync("Dev Patel");
        Assert.NotEqual(first.Current!.UserName, second.Current!.UserName);
        var problem = await ApiClient.ProblemAsync(await second.PutAsync("/api/me", new { displayName = "Dev", userName = first.Current.UserName }), HttpStatusCode.Conflict);
        Assert.Contains("userName", problem.Errors!.Keys);
    }

    [Fact]
    public async Task Password_change_needs_the_current_password()
    {
        using var client = await factory.MemberAsync("Eve Stone");
        var email = client.Current!.Email;
        var wrong = await client.PostAsync("/api/me/password", new { currentPassword = "not my password", newPassword = "a brand new passphrase" });
        Assert.Contains("currentPassword", (await ApiClient.ProblemAsync(wrong, HttpStatusCode.BadRequest)).Errors!.Keys);

        var ok = await client.PostAsync("/api/me/password", new { currentPassword = ApiClient.DefaultPassword, newPassword = "a brand new passphrase" });
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        await client.SignOutAsync();
        await client.SignInAsync(email, "a brand new passphrase");
    }

    [Fact]
    public async Task Forgot_password_answers_the_same_for_unknown_emails_and_the_link_resets_the_password()
    {
        using var client = factory.CreateApiClient();
        var email = $"reset.{Guid.NewGuid():N}@example.com";
        await client.RegisterAsync(email, "Reset Person");
        await client.ConfirmFromMailAsync(email);

        var known = await client.PostAsync("/api/account/forgot-password", new { email });
        var unknown = await client.PostAsync("/api/account/forgot-password", new { email = "nobody-" + email });
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());

        var link = Mailbox.LinkIn(await client.Mail.WaitForAsync(email, "Reset your"), "/reset-password");
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"];
        var reset = await client.PostAsync("/api/account/reset-password", new { email, token, password = "another long passphrase" });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        await client.SignInAsync(email, "another long passphrase");

        // The token works once.
        var again = await client.PostAsync("/api/account/reset-password", new { email, token, password = "yet another passphrase" });
        Assert.Contains("invalid or has expired", (await ApiClient.ProblemAsync(again, HttpStatusCode.BadRequest)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_with_a_forged_token_or_unknown_email_is_the_same_400()
    {
        using var client = factory.CreateApiClient();
        var forged = await ApiClient.ProblemAsync(await client.PostAsync("/api/account/reset-password",
            new { email = "someone@example.com", token = "Q2ZESjhN", password = "whatever passphrase" }), HttpStatusCode.BadRequest);
        Assert.Contains("invalid or has expired", forged.Detail, StringComparison.Ordinal);
    }
}

public sealed class MemberDataTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Fact]
    public async Task A_member_downloads_their_data_and_erasing_removes_email_and_name()
    {
        using var client = await factory.MemberAsync("Gina Export");
        var email = client.Current!.Email;
        var export = await client.GetAsync("/api/me/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Contains("attachment", export.Content.Headers.ContentDisposition?.ToString() ?? export.Headers.ToString(), StringComparison.Ordinal);
        Assert.Contains(email, await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var wrong = await ApiClient.ProblemAsync(await client.PostAsync("/api/me/erase", new { password = "not it" }), HttpStatusCode.BadRequest);
        Assert.Contains("password", wrong.Errors!.Keys);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/me/erase", new { password = ApiClient.DefaultPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/api/me")).StatusCode); // signed out: anonymous
        await ApiClient.ProblemAsync(await client.GetAsync("/api/me/export"), HttpStatusCode.Unauthorized);
        using var other = factory.CreateApiClient();
        await ApiClient.ProblemAsync(await other.PostAsync("/api/account/signin", new { email, password = ApiClient.DefaultPassword }), HttpStatusCode.Unauthorized);
        await ApiClient.ProblemAsync(await other.GetAsync($"/api/members/{client.Current.UserName}"), HttpStatusCode.NotFound);
        // The address is free again for a new account.
        await other.RegisterAsync(email, "Gina Again");
    }
}
