using Community.Tests.Infrastructure;

namespace Community.Tests.Accounts.Sso;

/// <summary>The sign-in set-up saved on one server is in force on the other (cache signal over PostgreSQL), without a restart.</summary>
public sealed class SignInSetupPostgresTests
{
    private const string AdminEmail = "owner@example.com";
    private const string AdminPassword = "glass-breaking-keys-2026";
    private const string ProductUrl = "https://127.0.0.1:9/acme/sso";

    private sealed class PostgresServer(string connectionString, string keys) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connectionString,
            ["DataProtection:KeysFolder"] = keys, // servers share their keys, as docs/operations.md asks
            ["Sso:Connect:AllowPrivateAddresses"] = "true",
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
        };
    }

    [PostgresFact]
    public async Task A_secret_changed_on_one_server_signs_the_next_sign_in_on_the_other()
    {
        await using var database = await Databases.CreatePostgresAsync();
        var keys = Path.Combine(Path.GetTempPath(), "community-tests", "shared-keys-" + Guid.NewGuid().ToString("N"));
        await using var a = new PostgresServer(database.ConnectionString, keys);
        await using var b = new PostgresServer(database.ConnectionString, keys);
        using var onB = b.CreateApiClient();
        Assert.Equal(HttpStatusCode.NotFound, (await onB.GetAsync("/auth/connect/start")).StatusCode);

        using var admin = a.CreateApiClient();
        await admin.SignInAsync(AdminEmail, AdminPassword);
        async Task SaveAsync(string secret) => Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/admin/sign-in",
            new { connect = new { name = "Acme", url = ProductUrl, secret } })).StatusCode);
        async Task<string?> SignatureOnBAsync()
        {
            using var response = await onB.GetAsync("/auth/connect/start");
            if (response.StatusCode != HttpStatusCode.Redirect) return null;
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(response.Headers.Location!.Query);
            return AcmeProduct.Sign(query["sso"].ToString(), "first-shared-secret-2026") == query["sig"].ToString() ? "first"
                : AcmeProduct.Sign(query["sso"].ToString(), "second-shared-secret-2026") == query["sig"].ToString() ? "second" : "other";
        }

        await SaveAsync("first-shared-secret-2026");
        Assert.Equal("first", await Eventually.ValueAsync(SignatureOnBAsync, s => s == "first"));
        await SaveAsync("second-shared-secret-2026");
        Assert.Equal("second", await Eventually.ValueAsync(SignatureOnBAsync, s => s == "second"));
        try { Directory.Delete(keys, recursive: true); } catch (IOException) { }
    }
}
