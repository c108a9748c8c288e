using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Community.Tests.Infrastructure;

/// <summary>Creates throw-away databases for schema and provider tests.</summary>
public static class Databases
{
    public static CommunityDb Sqlite(string path) => new(new DbContextOptionsBuilder<CommunityDb>()
        .UseSqlite($"Data Source={path};Pooling=false")
        .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)).Options);

    public static CommunityDb Postgres(string connectionString) => new(new DbContextOptionsBuilder<CommunityDb>()
        .UseNpgsql(connectionString)
        .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)).Options);

    /// <summary>Creates an empty PostgreSQL database and returns its connection string; dispose to drop it.</summary>
    public static async Task<TempPostgres> CreatePostgresAsync()
    {
        var admin = PostgresFactAttribute.ConnectionString!;
        var name = "community_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new TempPostgres(admin, name, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }
}

public sealed class TempPostgres(string admin, string name, string connectionString) : IAsyncDisposable
{
    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
