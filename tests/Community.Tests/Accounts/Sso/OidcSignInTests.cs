using System.Diagnostics;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Accounts.Sso;

/// <summary>The provider process, shared by the tests of a class; its client accepts TestServer's callback address.</summary>
public sealed class OidcProviderFixture : IAsyncLifetime
{
    public const string Callback = "http://localhost/auth/oidc/callback";
    public OidcProvider Provider { get; private set; } = null!;
    public async Task InitializeAsync() => Provider = await OidcProvider.StartAsync(Callback);
    public async Task DisposeAsync() => await Provider.DisposeAsync();
}

/// <summary>
/// Sign-in through a real OpenID Provider (oidc-provider) over HTTP: the whole code + PKCE round trip, and the callback's refusals
/// (a token for another audience, a bad signature, a lost correlation cookie) answered with a page that changes nothing.
/// </summary>
public sealed class OidcSignInTests(OidcProviderFixture fixture) : IClassFixture<OidcProviderFixture>, IDisposable
{
    private readonly OidcFactory _factory = new(fixture.Provider.Settings());

    public void Dispose() => _factory.Dispose();

    /// <summary>Starts at Community, signs in at the provider, and returns Community's answer to the callback.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(ApiClient app, string email, string password, string returnUrl = "/forums")
    {
        var start = await app.GetAsync("/auth/oidc/start?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        using var visitor = new ProviderVisitor();
        var back = await visitor.SignInAsync(start.Headers.Location!, email, password, OidcProviderFixture.Callback);
        return await app.GetAsync(back.PathAndQuery);
    }

    private async Task<Member?> MemberByExternalIdAsync(string externalId)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Community.Web.Data.CommunityDb>().Users.AsNoTracking()
            .SingleOrDefaultAsync(m => m.ExternalId == externalId);
    }

    [Fact]
    public async Task A_verified_customer_signs_in_with_the_product_attributes_and_lands_where_they_were()
    {
        using var app = _factory.CreateApiClient();
        var start = await app.GetAsync("/auth/oidc/start?returnUrl=%2Ft%2F1%2Fhello");
        var authorize = start.Headers.Location!;
        Assert.StartsWith(fixture.Provider.Issuer, authorize.AbsoluteUri, StringComparison.Ordinal);

        var callback = await SignInAsync(app, "alice@acme.test", "alice-password", "/t/1/hello");

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/t/1/hello", callback.Headers.Location!.OriginalString);
        var me = await ApiClient.ReadAsync<Me>(await app.GetAsync("/api/me"));
        Assert.Equal("alice@acme.test", me.Email);
        Assert.Contains("Moderator", me.Roles); // Sso:GroupRoles maps community-moderators
        var member = await MemberByExternalIdAsync("acme-user-1");
        Assert.NotNull(member);
        Assert.Equal(("acct-42", "Acme Corp", "Enterprise"), (member.AccountId, member.AccountName, member.Plan));
        Assert.Contains("\"region\":\"EU\"", member.ProductAttributes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_link_asks_for_code_with_pkce_and_the_configured_scopes()
    {
        using var app = _factory.CreateApiClient();
        var start = await app.GetAsync("/auth/oidc/start");
        using var visitor = new ProviderVisitor();
        // With pushed authorization requests the parameters went to the provider directly; the redirect carries a request_uri.
        var query = System.Web.HttpUtility.ParseQueryString(start.Headers.Location!.Query);
        Assert.Equal(OidcProvider.ClientId, query["client_id"]);
        Assert.True(query["request_uri"] is not null || (query["code_challenge_method"] == "S256" && query["scope"] == "openid email profile acme"),
            start.Headers.Location.ToString());
        Assert.Contains(start.Headers.GetValues("Set-Cookie"), c => c.StartsWith("community.oidc.correlation.", StringComparison.Ordinal)
            && c.Contains("samesite=lax", StringComparison.OrdinalIgnoreCase) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_foreign_return_url_lands_on_the_home_page()
    {
        using var app = _factory.CreateApiClient();
        var callback = await SignInAsync(app, "alice@acme.test", "alice-password", "https://evil.example/phish");
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/", callback.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_id_token_issued_for_another_client_is_refused_and_changes_nothing()
    {
        using (var other = new ProviderVisitor())
        {
            _factory.Tamper.ReplaceIdToken = await other.IdTokenForOtherClientAsync(fixture.Provider, OidcProviderFixture.Callback,
                "alice@acme.test", "alice-password");
        }
        using var app = _factory.CreateApiClient();
        var callback = await SignInAsync(app, "alice@acme.test", "alice-password");
        await AssertRefusedAsync(app, callback, HttpStatusCode.BadRequest, "could not be verified");
    }

    [Fact]
    public async Task An_id_token_with_a_bad_signature_is_refused_and_changes_nothing()
    {
        _factory.Tamper.BreakSignature = true;
        using var app = _factory.CreateApiClient();
        var callback = await SignInAsync(app, "alice@acme.test", "alice-password");
        await AssertRefusedAsync(app, callback, HttpStatusCode.BadRequest, "could not be verified");
    }

    [Fact]
    public async Task A_callback_in_another_browser_without_the_correlation_cookie_is_refused()
    {
        using var app = _factory.CreateApiClient();
        var start = await app.GetAsync("/auth/oidc/start");
        using var visitor = new ProviderVisitor();
        var back = await visitor.SignInAsync(start.Headers.Location!, "alice@acme.test", "alice-password", OidcProviderFixture.Callback);
        using var elsewhere = _factory.CreateApiClient(); // the attacker's browser: the code arrives without the victim's cookies
        var callback = await elsewhere.GetAsync(back.PathAndQuery);
        await AssertRefusedAsync(elsewhere, callback, HttpStatusCode.BadRequest, "expired");
    }

    [Fact]
    public async Task An_unverified_email_at_the_provider_never_takes_over_the_local_account_with_that_email()
    {
        using var owner = _factory.CreateApiClient();
        var local = await owner.JoinAsync("Bob Local", "bob@acme.test");
        using var app = _factory.CreateApiClient();
        var callback = await SignInAsync(app, "bob@acme.test", "bob-password");

        var me = await app.GetAsync("/api/me");
        if (me.StatusCode == HttpStatusCode.OK) Assert.NotEqual(local.Id, (await ApiClient.ReadAsync<Me>(me)).Id);
        await using var scope = _factory.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<UserManager<Member>>().FindByIdAsync(local.Id);
        Assert.Null(stored!.ExternalId);
        Assert.NotEqual(HttpStatusCode.InternalServerError, callback.StatusCode);
    }

    private async Task AssertRefusedAsync(ApiClient app, HttpResponseMessage callback, HttpStatusCode status, string words)
    {
        var html = await callback.Content.ReadAsStringAsync();
        Assert.Equal(status, callback.StatusCode);
        Assert.Contains(words, html, StringComparison.Ordinal);
        Assert.Contains("text/html", callback.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.DoesNotContain(callback.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [],
            c => c.StartsWith("community.auth=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await app.GetAsync("/api/me")).StatusCode);
        Assert.Null(await MemberByExternalIdAsync("acme-user-1"));
    }
}

/// <summary>A provider that is down or too slow gets a page that says so, within the 5-second budget, never a 500.</summary>
public sealed class OidcProviderOutageTests
{
    private static Dictionary<string, string?> PointingAt(string authority) => new()
    {
        ["Sso:Oidc:Authority"] = authority,
        ["Sso:Oidc:ClientId"] = OidcProvider.ClientId,
        ["Sso:Oidc:ClientSecret"] = OidcProvider.ClientSecret,
        ["Sso:Oidc:DisplayName"] = "Acme",
        ["Sso:Oidc:RequireHttpsMetadata"] = "false",
        ["Sso:Oidc:AllowPrivateAddresses"] = "true",
    };

    [Fact]
    public async Task A_provider_that_is_down_gets_a_clear_error_page()
    {
        using var factory = new OidcFactory(PointingAt($"http://127.0.0.1:{OidcProvider.FreePort()}"));
        using var app = factory.CreateApiClient();
        var response = await app.GetAsync("/auth/oidc/start?returnUrl=%2Fforums");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("We could not reach Acme", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_that_never_answers_is_given_up_on_after_five_seconds()
    {
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (the backlog) and never answers
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var factory = new OidcFactory(PointingAt($"http://127.0.0.1:{port}"));
        using var app = factory.CreateApiClient();
        await app.GetAsync("/api/account/sign-in-options"); // start the server outside the measured time
        var clock = Stopwatch.StartNew();
        var response = await app.GetAsync("/auth/oidc/start");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_private_provider_address_is_refused_unless_allowed()
    {
        await using var provider = await OidcProvider.StartAsync(OidcProviderFixture.Callback);
        var settings = provider.Settings();
        settings["Sso:Oidc:AllowPrivateAddresses"] = "false";
        using var factory = new OidcFactory(settings);
        using var app = factory.CreateApiClient();
        var response = await app.GetAsync("/auth/oidc/start");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }
}
