using Community.Tests.Infrastructure;

namespace Community.Tests.Data;

/// <summary>The whole app on PostgreSQL: it starts, migrates, and the account flow works.</summary>
public sealed class PostgresProviderTests
{
    private sealed class PostgresFactory(string connectionString) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connectionString,
        };
    }

    [PostgresFact]
    public async Task The_app_starts_migrates_and_signs_members_in_on_postgres()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var factory = new PostgresFactory(database.ConnectionString);
        using var client = factory.CreateApiClient();

        var health = await (await client.GetAsync("/healthz")).Content.ReadAsStringAsync();
        Assert.Contains("\"provider\":\"postgres\"", health, StringComparison.Ordinal);
        Assert.Contains("healthy", health, StringComparison.Ordinal);

        var me = await client.JoinAsync("Postgres Person");
        Assert.Equal("Postgres Person", (await ApiClient.ReadAsync<Me>(await client.GetAsync("/api/me"))).DisplayName);
        Assert.True(me.JoinedAt > DateTime.UtcNow.AddMinutes(-5));
    }
}
