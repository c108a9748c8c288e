using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Accounts.Sso;

/// <summary>The sign-in page's provider list, the admin's read-only view of the set-up, and turning local passwords off.</summary>
public sealed class SignInSettingsTests
{
    private const string AdminEmail = "owner@example.com";
    private const string AdminPassword = "glass-breaking-keys-2026";

    private sealed class Site(bool localPasswords) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            // Not contacted by these tests: the provider's address is only read when someone starts a sign-in.
            ["Sso:Oidc:Authority"] = "https://login.acme.example",
            ["Sso:Oidc:ClientId"] = "community",
            ["Sso:Oidc:ClientSecret"] = "very-secret-client-secret",
            ["Sso:Oidc:DisplayName"] = "Acme",
            ["Sso:Oidc:Claims:Plan"] = "https://acme.example/plan",
            ["Sso:LocalPasswords"] = localPasswords ? "true" : "false",
            ["Sso:GroupRoles:community-moderators"] = "Moderator",
            ["Sso:CustomAttributes:0"] = "region",
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
        };
    }

    [Fact]
    public async Task The_sign_in_page_lists_the_configured_provider()
    {
        using var site = new Site(localPasswords: true);
        using var visitor = site.CreateApiClient();
        var options = await ApiClient.ReadAsync<JsonElement>(await visitor.GetAsync("/api/account/sign-in-options"));
        Assert.True(options.GetProperty("localPasswords").GetBoolean());
        var provider = Assert.Single(options.GetProperty("providers").EnumerateArray());
        Assert.Equal(("oidc", "Acme", "/auth/oidc/start"),
            (provider.GetProperty("id").GetString(), provider.GetProperty("name").GetString(), provider.GetProperty("url").GetString()));
    }

    [Fact]
    public async Task Admins_see_the_set_up_without_the_client_secret_and_members_do_not_see_it_at_all()
    {
        using var site = new Site(localPasswords: true);
        using var admin = site.CreateApiClient();
        await admin.SignInAsync(AdminEmail, AdminPassword);
        var response = await admin.GetAsync("/api/admin/sign-in");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("very-secret-client-secret", body, StringComparison.Ordinal);
        var setup = JsonSerializer.Deserialize<JsonElement>(body);
        // Configuration sets the provider, passwords, groups and attributes: those parts are locked; Connect is left to the admin.
        Assert.True(setup.GetProperty("locks").GetProperty("oidc").GetBoolean());
        Assert.True(setup.GetProperty("locks").GetProperty("localPasswords").GetBoolean());
        Assert.False(setup.GetProperty("locks").GetProperty("connect").GetBoolean());
        Assert.True(setup.GetProperty("oidc").GetProperty("hasClientSecret").GetBoolean());
        Assert.Equal("https://acme.example/plan", setup.GetProperty("oidc").GetProperty("claims").GetProperty("plan").GetString());
        Assert.Equal("http://localhost/auth/oidc/callback", setup.GetProperty("oidc").GetProperty("callbackUrl").GetString());
        Assert.Equal("Moderator", setup.GetProperty("groupRoles")[0].GetProperty("role").GetString());
        Assert.Equal("region", setup.GetProperty("customAttributes")[0].GetProperty("key").GetString());

        var member = await site.MemberAsync("Curious Member");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/admin/sign-in")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/sign-in")).StatusCode);
    }

    [Fact]
    public async Task With_local_passwords_off_members_cannot_sign_up_or_sign_in_with_a_password_but_admins_can()
    {
        using var site = new Site(localPasswords: false);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var (member, _) = await scope.ServiceProvider.GetRequiredService<MemberRegistration>()
                .CreateAsync("member@example.com", "Local Member", ApiClient.DefaultPassword, emailConfirmed: true);
            Assert.NotNull(member);
        }
        using var visitor = site.CreateApiClient();

        var options = await ApiClient.ReadAsync<JsonElement>(await visitor.GetAsync("/api/account/sign-in-options"));
        Assert.False(options.GetProperty("localPasswords").GetBoolean());
        Assert.Equal("/signin?local=1", options.GetProperty("breakGlassUrl").GetString());

        var signUp = await visitor.PostAsync("/api/account/register",
            new { email = "new@example.com", displayName = "New Person", password = ApiClient.DefaultPassword });
        Assert.Equal("local_passwords_off", (await ApiClient.ProblemAsync(signUp, HttpStatusCode.Forbidden)).Code);
        var memberSignIn = await visitor.PostAsync("/api/account/signin", new { email = "member@example.com", password = ApiClient.DefaultPassword });
        var unknown = await visitor.PostAsync("/api/account/signin", new { email = "nobody@example.com", password = "whatever-password" });
        // The same refusal for a member and for an unknown address: it says nothing about who is an admin.
        Assert.Equal("local_passwords_off", (await ApiClient.ProblemAsync(memberSignIn, HttpStatusCode.Forbidden)).Code);
        Assert.Equal("local_passwords_off", (await ApiClient.ProblemAsync(unknown, HttpStatusCode.Forbidden)).Code);

        var me = await visitor.SignInAsync(AdminEmail, AdminPassword); // break-glass
        Assert.Contains(Roles.Admin, me.Roles);
    }
}
