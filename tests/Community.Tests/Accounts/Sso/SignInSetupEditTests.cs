using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;

namespace Community.Tests.Accounts.Sso;

/// <summary>
/// The admin configures the providers at /admin/sign-in (PUT /api/admin/sign-in): stored in the database, validated with field
/// errors, secrets never shown back, in force at once without a restart; configuration still wins and is shown locked.
/// </summary>
public sealed class SignInSetupEditTests(OidcProviderFixture fixture) : IClassFixture<OidcProviderFixture>
{
    private const string AdminEmail = "owner@example.com";
    private const string AdminPassword = "glass-breaking-keys-2026";
    private const string ProductUrl = "https://127.0.0.1:9/acme/sso"; // never contacted: the browser is sent there
    private const string FirstSecret = "first-shared-secret-2026";
    private const string SecondSecret = "second-shared-secret-2026";

    /// <summary>No provider in the configuration: only the deployment switches for private addresses and plain-http metadata.</summary>
    private sealed class Site(IDictionary<string, string?>? extra = null) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings()
        {
            var settings = new Dictionary<string, string?>
            {
                ["Sso:Oidc:RequireHttpsMetadata"] = "false",
                ["Sso:Oidc:AllowPrivateAddresses"] = "true",
                ["Sso:Connect:AllowPrivateAddresses"] = "true",
                ["Admin:Email"] = AdminEmail,
                ["Admin:Password"] = AdminPassword,
            };
            foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
            return settings;
        }
    }

    private static async Task<ApiClient> AdminAsync(CommunityFactory site)
    {
        var admin = site.CreateApiClient();
        await admin.SignInAsync(AdminEmail, AdminPassword);
        return admin;
    }

    private static object Connect(string secret) => new { connect = new { name = "Acme", url = ProductUrl, secret } };

    /// <summary>Community's request must be signed with <paramref name="secret"/>; the product answers with <paramref name="answerSecret"/>.</summary>
    private static async Task<HttpResponseMessage> ConnectSignInAsync(ApiClient browser, string secret, string externalId, string? answerSecret = null)
    {
        var start = await browser.GetAsync("/auth/connect/start?returnUrl=%2Fforums");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var (nonce, returnUrl) = AcmeProduct.Read(start.Headers.Location!, secret);
        secret = answerSecret ?? secret;
        return await browser.GetAsync(AcmeProduct.Answer(returnUrl,
            [new("nonce", nonce), new("external_id", externalId), new("email", externalId + "@acme-customer.example"), new("name", "Casey")],
            secret));
    }

    [Fact]
    public async Task An_admin_changes_the_Connect_secret_and_the_next_sign_in_uses_the_new_one()
    {
        using var site = new Site();
        using var admin = await AdminAsync(site);
        using var visitor = site.CreateApiClient();
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/auth/connect/start")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/admin/sign-in", Connect(FirstSecret))).StatusCode);
        using (var first = site.CreateApiClient())
            Assert.Equal(HttpStatusCode.Redirect, (await ConnectSignInAsync(first, FirstSecret, "casey-1")).StatusCode);

        var saved = await admin.PutAsync("/api/admin/sign-in", Connect(SecondSecret));
        var body = await saved.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.DoesNotContain(SecondSecret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(SecondSecret, await (await admin.GetAsync("/api/admin/sign-in")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var old = site.CreateApiClient(); // a product still signing with the old secret is refused
        var refused = await ConnectSignInAsync(old, SecondSecret, "casey-2", answerSecret: FirstSecret);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var current = site.CreateApiClient();
        Assert.Equal(HttpStatusCode.Redirect, (await ConnectSignInAsync(current, SecondSecret, "casey-3")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await current.GetAsync("/api/me")).StatusCode);

        // Only the name changes: the stored secret is kept (an empty secret means "keep").
        var renamed = await admin.PutAsync("/api/admin/sign-in", new { connect = new { name = "Acme Cloud", url = ProductUrl } });
        Assert.Equal("Acme Cloud", (await ApiClient.ReadAsync<JsonElement>(renamed)).GetProperty("connect").GetProperty("name").GetString());
        using var later = site.CreateApiClient();
        Assert.Equal(HttpStatusCode.Redirect, (await ConnectSignInAsync(later, SecondSecret, "casey-4")).StatusCode);
    }

    [Fact]
    public async Task An_OpenID_Connect_provider_configured_through_the_API_works_without_a_restart()
    {
        using var site = new OidcFactory(new Dictionary<string, string?>
        {
            ["Sso:Oidc:RequireHttpsMetadata"] = "false",
            ["Sso:Oidc:AllowPrivateAddresses"] = "true",
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
        });
        using var app = site.CreateApiClient();
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/auth/oidc/start")).StatusCode);
        using var admin = await AdminAsync(site);

        var saved = await admin.PutAsync("/api/admin/sign-in", new
        {
            oidc = new
            {
                name = "Acme", authority = fixture.Provider.Issuer, clientId = OidcProvider.ClientId, clientSecret = OidcProvider.ClientSecret,
                scopes = "acme",
            },
            groupRoles = new[] { new { group = "community-moderators", role = "moderator" } },
            customAttributes = new[] { "region" },
        });
        var body = await saved.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.DoesNotContain(OidcProvider.ClientSecret, body, StringComparison.Ordinal);
        var options = await ApiClient.ReadAsync<JsonElement>(await app.GetAsync("/api/account/sign-in-options"));
        Assert.Equal("Acme", Assert.Single(options.GetProperty("providers").EnumerateArray()).GetProperty("name").GetString());

        var start = await app.GetAsync("/auth/oidc/start?returnUrl=%2Fforums");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith(fixture.Provider.Issuer, start.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        using var person = new ProviderVisitor();
        var back = await person.SignInAsync(start.Headers.Location, "alice@acme.test", "alice-password", OidcProviderFixture.Callback);
        var callback = await app.GetAsync(back.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/forums", callback.Headers.Location!.OriginalString);
        var me = await ApiClient.ReadAsync<Me>(await app.GetAsync("/api/me"));
        Assert.Equal("alice@acme.test", me.Email);
        Assert.Contains(Roles.Moderator, me.Roles); // the group map saved with the provider is in force too

        var removed = await admin.PutAsync("/api/admin/sign-in", new { oidc = new { remove = true } });
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/auth/oidc/start")).StatusCode);
    }

    [Fact]
    public async Task Members_and_visitors_cannot_change_it_and_a_write_without_the_csrf_header_is_refused()
    {
        using var site = new Site();
        var member = await site.MemberAsync("Curious Member");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutAsync("/api/admin/sign-in", Connect(FirstSecret))).StatusCode);
        using var visitor = site.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.PutAsync("/api/admin/sign-in", Connect(FirstSecret))).StatusCode);
        using var admin = await AdminAsync(site);
        var forged = await admin.Http.PutAsync("/api/admin/sign-in", System.Net.Http.Json.JsonContent.Create(Connect(FirstSecret)));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var options = await ApiClient.ReadAsync<JsonElement>(await visitor.GetAsync("/api/account/sign-in-options"));
        Assert.Empty(options.GetProperty("providers").EnumerateArray().ToList());
    }

    [Fact]
    public async Task Bad_input_gets_field_errors_and_changes_nothing()
    {
        using var site = new Site(new Dictionary<string, string?> { ["Sso:Connect:AllowPrivateAddresses"] = "false" });
        using var admin = await AdminAsync(site);
        var response = await admin.PutAsync("/api/admin/sign-in", new
        {
            oidc = new { name = "<b>Acme</b>", authority = "not a url", clientId = "", clientSecret = "short", scopes = "ok bad\"scope" },
            connect = new { name = "Acme", url = "https://127.0.0.1/sso", secret = "tiny" },
            groupRoles = new[] { new { group = "staff", role = "Wizard" }, new { group = "STAFF", role = "Admin" } },
            customAttributes = new[] { "region", "has space" },
        });
        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem.Errors);
        foreach (var field in new[] { "oidc.name", "oidc.authority", "oidc.clientId", "oidc.clientSecret", "oidc.scopes", "connect.url",
            "connect.secret", "groupRoles[0].role", "groupRoles[1].group", "customAttributes[1]" })
            Assert.True(problem.Errors!.ContainsKey(field), $"expected a field error for {field}: {string.Join(", ", problem.Errors.Keys)}");

        var http = await admin.PutAsync("/api/admin/sign-in", new
        {
            connect = new { name = "Acme", url = "http://acme.example/sso", secret = FirstSecret },
        });
        Assert.Contains("https", (await ApiClient.ProblemAsync(http, HttpStatusCode.BadRequest)).Errors!["connect.url"][0], StringComparison.Ordinal);
        var setup = await ApiClient.ReadAsync<JsonElement>(await admin.GetAsync("/api/admin/sign-in"));
        Assert.False(setup.GetProperty("connect").GetProperty("configured").GetBoolean());
        Assert.False(setup.GetProperty("oidc").GetProperty("configured").GetBoolean());
    }

    [Fact]
    public async Task Parts_set_by_configuration_are_locked_and_win()
    {
        using var site = new Site(new Dictionary<string, string?>
        {
            ["Sso:Connect:Url"] = "https://acme.example/discourse/sso",
            ["Sso:Connect:Secret"] = SsoFactory.Secret,
            ["Sso:Connect:Name"] = "Configured Acme",
            ["Sso:LocalPasswords"] = "true",
        });
        using var admin = await AdminAsync(site);
        var response = await admin.PutAsync("/api/admin/sign-in", new { localPasswords = false, connect = new { remove = true } });
        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Sso:Connect", problem.Errors!["connect"][0], StringComparison.Ordinal);
        Assert.Contains("Sso:LocalPasswords", problem.Errors!["localPasswords"][0], StringComparison.Ordinal);

        var setup = await ApiClient.ReadAsync<JsonElement>(await admin.GetAsync("/api/admin/sign-in"));
        Assert.True(setup.GetProperty("locks").GetProperty("connect").GetBoolean());
        Assert.False(setup.GetProperty("locks").GetProperty("oidc").GetBoolean());
        Assert.Equal("Configured Acme", setup.GetProperty("connect").GetProperty("name").GetString());
        Assert.True(setup.GetProperty("localPasswords").GetBoolean());
    }

    [Fact]
    public async Task Turning_local_passwords_off_applies_at_once_and_the_admin_keeps_the_break_glass_sign_in()
    {
        using var site = new Site();
        using var admin = await AdminAsync(site);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/admin/sign-in", new { localPasswords = false })).StatusCode);
        using var visitor = site.CreateApiClient();
        var signUp = await visitor.PostAsync("/api/account/register",
            new { email = "new@example.com", displayName = "New Person", password = ApiClient.DefaultPassword });
        Assert.Equal("local_passwords_off", (await ApiClient.ProblemAsync(signUp, HttpStatusCode.Forbidden)).Code);
        using var again = site.CreateApiClient();
        Assert.Contains(Roles.Admin, (await again.SignInAsync(AdminEmail, AdminPassword)).Roles);
    }

    [Fact]
    public async Task A_passwordless_product_member_may_set_a_password_only_while_local_passwords_are_allowed()
    {
        using var site = new Site();
        using var admin = await AdminAsync(site);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/admin/sign-in", Connect(FirstSecret))).StatusCode);
        using var member = site.CreateApiClient();
        Assert.Equal(HttpStatusCode.Redirect, (await ConnectSignInAsync(member, FirstSecret, "pat-1")).StatusCode);

        var status = await ApiClient.ReadAsync<JsonElement>(await member.GetAsync("/api/me/password"));
        Assert.False(status.GetProperty("hasPassword").GetBoolean());
        Assert.True(status.GetProperty("canSetPassword").GetBoolean());
        var weak = await member.PostAsync("/api/me/password/set", new { newPassword = "short" });
        Assert.True((await ApiClient.ProblemAsync(weak, HttpStatusCode.BadRequest)).Errors!.ContainsKey("newPassword"));

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/admin/sign-in", new { localPasswords = false })).StatusCode);
        status = await ApiClient.ReadAsync<JsonElement>(await member.GetAsync("/api/me/password"));
        Assert.False(status.GetProperty("canSetPassword").GetBoolean());
        var refused = await member.PostAsync("/api/me/password/set", new { newPassword = ApiClient.DefaultPassword });
        Assert.Equal("local_passwords_off", (await ApiClient.ProblemAsync(refused, HttpStatusCode.Forbidden)).Code);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/admin/sign-in", new { localPasswords = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await member.PostAsync("/api/me/password/set", new { newPassword = ApiClient.DefaultPassword })).StatusCode);
        status = await ApiClient.ReadAsync<JsonElement>(await member.GetAsync("/api/me/password"));
        Assert.True(status.GetProperty("hasPassword").GetBoolean());
        Assert.False(status.GetProperty("canSetPassword").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict,
            (await member.PostAsync("/api/me/password/set", new { newPassword = "another password entirely" })).StatusCode);
        using var again = site.CreateApiClient();
        Assert.Equal("pat-1@acme-customer.example", (await again.SignInAsync("pat-1@acme-customer.example")).Email);
    }

    [Fact]
    public async Task A_passwordless_product_member_deletes_their_account_by_typing_their_email_and_may_come_back_as_new()
    {
        using var site = new Site();
        using var admin = await AdminAsync(site);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/admin/sign-in", Connect(FirstSecret))).StatusCode);
        using var member = site.CreateApiClient();
        Assert.Equal(HttpStatusCode.Redirect, (await ConnectSignInAsync(member, FirstSecret, "leaver-1")).StatusCode);
        var before = await ApiClient.ReadAsync<Me>(await member.GetAsync("/api/me"));

        var wrong = await member.PostAsync("/api/me/erase", new { password = "anything at all", email = "someone@else.example" });
        Assert.True((await ApiClient.ProblemAsync(wrong, HttpStatusCode.BadRequest)).Errors!.ContainsKey("email"));
        Assert.Equal(HttpStatusCode.NoContent, (await member.PostAsync("/api/me/erase", new { email = "Leaver-1@acme-customer.example" })).StatusCode);

        using var back = site.CreateApiClient(); // the product's identity left with the account: a new member, not the tombstone
        Assert.Equal(HttpStatusCode.Redirect, (await ConnectSignInAsync(back, FirstSecret, "leaver-1")).StatusCode);
        var after = await ApiClient.ReadAsync<Me>(await back.GetAsync("/api/me"));
        Assert.NotEqual(before.Id, after.Id);
    }
}
