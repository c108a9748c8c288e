using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Security;

namespace Community.Tests.Accounts.Sso;

/// <summary>Issue #11: the server-to-server member sync API.</summary>
public sealed class MemberSyncTests(SsoFactory factory) : IClassFixture<SsoFactory>
{
    [Fact]
    public async Task Upsert_creates_then_updates_plan_changes_and_reads_back()
    {
        using var api = await SyncApi.ClientAsync(factory, ApiScopes.MembersWrite, ApiScopes.MembersRead);
        var body = new { email = "sync.one@acme-customer.example", emailVerified = true, name = "Sync One", accountId = "org-1",
            accountName = "Org One", plan = "Starter", custom = new Dictionary<string, string> { ["region"] = "US", ["ignored"] = "x" } };
        var created = await api.PutAsJsonAsync("/api/members/external/u-1", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var dto = await ApiClient.ReadAsync<JsonElement>(created, HttpStatusCode.Created);
        Assert.Equal(("Starter", "org-1", true), (dto.GetProperty("plan").GetString(), dto.GetProperty("accountId").GetString(),
            dto.GetProperty("emailConfirmed").GetBoolean()));
        Assert.Equal("""{"region":"US"}""", dto.GetProperty("custom").GetRawText());

        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/members/external/u-1", body with { name = "Sync Renamed" })).StatusCode);
        var patched = await api.PatchAsJsonAsync("/api/members/external/u-1", new { plan = "Enterprise" });
        Assert.Equal("Enterprise", (await ApiClient.ReadAsync<JsonElement>(patched)).GetProperty("plan").GetString());
        var read = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync("/api/members/external/u-1"));
        Assert.Equal(("Sync Renamed", "Enterprise", "Org One"), (read.GetProperty("displayName").GetString(), read.GetProperty("plan").GetString(),
            read.GetProperty("accountName").GetString()));
    }

    [Fact]
    public async Task Bad_input_unknown_ids_and_missing_scopes_get_problem_details()
    {
        using var api = await SyncApi.ClientAsync(factory, ApiScopes.MembersWrite);
        var bad = await api.PutAsJsonAsync("/api/members/external/u-bad",
            new { email = "not-an-email", name = "<b>bold</b>", plan = new string('p', 101) });
        var problem = await ApiClient.ProblemAsync(bad, HttpStatusCode.BadRequest);
        Assert.True(problem.Errors!.ContainsKey("email") && problem.Errors.ContainsKey("name") && problem.Errors.ContainsKey("plan"));
        var long5k = await api.PutAsJsonAsync("/api/members/external/u-big",
            new { email = "big@x.example", custom = new Dictionary<string, string> { ["region"] = new string('r', 5000) } });
        Assert.True((await ApiClient.ProblemAsync(long5k, HttpStatusCode.BadRequest)).Errors!.ContainsKey("custom.region"));
        await ApiClient.ProblemAsync(await api.PutAsJsonAsync("/api/members/external/u-big",
            new { email = "big@x.example", name = new string('n', 100_000) }), HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(await factory.MemberByExternalIdAsync("u-big"));
        Assert.Null(await factory.MemberByExternalIdAsync("u-bad"));

        await ApiClient.ProblemAsync(await api.PostAsync("/api/members/external/nobody/deactivate", null), HttpStatusCode.NotFound);
        await ApiClient.ProblemAsync(await api.PatchAsJsonAsync("/api/members/external/nobody", new { plan = "Pro" }), HttpStatusCode.NotFound);
        await ApiClient.ProblemAsync(await api.GetAsync("/api/members/external/nobody"), HttpStatusCode.Forbidden); // members:read missing
        using var reader = await SyncApi.ClientAsync(factory, ApiScopes.MembersRead);
        await ApiClient.ProblemAsync(await reader.PutAsJsonAsync("/api/members/external/u-2", new { email = "u2@x.example" }), HttpStatusCode.Forbidden);
        using var anonymous = factory.CreateClient();
        await ApiClient.ProblemAsync(await anonymous.PutAsJsonAsync("/api/members/external/u-2", new { email = "u2@x.example" }),
            HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Sync_without_a_verified_email_never_takes_over_a_local_account()
    {
        using var owner = factory.CreateApiClient();
        var local = await owner.JoinAsync("Local Lou");
        using var api = await SyncApi.ClientAsync(factory, ApiScopes.MembersWrite);
        var refused = await api.PutAsJsonAsync("/api/members/external/lou-x", new { email = local.Email });
        await ApiClient.ProblemAsync(refused, HttpStatusCode.Conflict);
        Assert.Null((await factory.MemberByEmailAsync(local.Email))!.ExternalId);
    }

    [Fact]
    public async Task Deactivation_ends_every_session_at_once_and_blocks_password_and_connect_sign_in()
    {
        using var api = await SyncApi.ClientAsync(factory, ApiScopes.MembersWrite);
        using var member = factory.CreateApiClient();
        var me = await member.JoinAsync("Dee Active");
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/members/external/dee-1",
            new { email = me.Email, emailVerified = true })).StatusCode); // links the local account
        var other = await CookieSession.SignInAsync(factory, me.Email);

        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync("/api/members/external/dee-1/deactivate", null)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await member.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await other.GetAsync("/api/me")).StatusCode);
        using var again = factory.CreateApiClient();
        var password = await again.PostAsync("/api/account/signin", new { email = me.Email, password = ApiClient.DefaultPassword });
        Assert.Equal("deactivated", (await ApiClient.ProblemAsync(password, HttpStatusCode.Forbidden)).Code);

        using var browser = factory.CreateApiClient();
        var start = await browser.GetAsync("/auth/connect/start");
        var (nonce, back) = AcmeProduct.Read(start.Headers.Location!);
        var connect = await browser.GetAsync(AcmeProduct.Answer(back, [new("nonce", nonce), new("external_id", "dee-1"), new("email", me.Email)]));
        Assert.Equal(HttpStatusCode.Forbidden, connect.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.GetAsync("/api/me")).StatusCode);
    }
}
