using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts.Sso;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Community.Tests.Accounts.Sso;

/// <summary>Issue #11 on two servers sharing one PostgreSQL database: nonces and just-in-time members agree across servers.</summary>
public sealed class SsoPostgresTests
{
    private sealed class PostgresServer(string connectionString) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connectionString,
            ["Sso:Connect:Url"] = SsoFactory.ProductUrl,
            ["Sso:Connect:Secret"] = SsoFactory.Secret,
            ["Sso:Connect:Name"] = "Acme",
        };
    }

    [PostgresFact]
    public async Task A_nonce_started_on_one_server_is_used_once_on_any_and_parallel_upserts_make_one_member()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresServer(database.ConnectionString);
        await using var b = new PostgresServer(database.ConnectionString);

        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false };
        using var onA = a.CreateClient(options);
        var start = await onA.GetAsync("/auth/connect/start");
        var (nonce, back) = AcmeProduct.Read(start.Headers.Location!);
        var answer = AcmeProduct.Answer(back, [new("nonce", nonce), new("external_id", "pg-1"), new("email", "pg1@x.example")]);
        async Task<HttpStatusCode> CallbackAsync(CommunityFactory server)
        {
            using var client = server.CreateClient(options);
            using var request = new HttpRequestMessage(HttpMethod.Get, answer);
            request.Headers.Add("Cookie", $"{ConnectEndpoints.CookieName}={nonce}");
            return (await client.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Redirect, await CallbackAsync(b));
        Assert.Equal(HttpStatusCode.BadRequest, await CallbackAsync(a));
        Assert.Equal(HttpStatusCode.BadRequest, await CallbackAsync(b));

        using var syncA = await SyncApi.ClientAsync(a, ApiScopes.MembersWrite, ApiScopes.MembersRead);
        using var syncB = await SyncApi.ClientAsync(b, ApiScopes.MembersWrite);
        var body = new { email = "race@x.example", emailVerified = true, name = "Rae Race" };
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? syncA : syncB).PutAsJsonAsync("/api/members/external/race-1", body with { name = $"Rae Race {i}" })));
        foreach (var r in responses)
            Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"{r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.OK, (await syncA.GetAsync("/api/members/external/race-1")).StatusCode);
    }
}
