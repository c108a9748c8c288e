using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Data;

public static class DatabaseSetup
{
    public static IServiceCollection AddCommunityDb(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        options.ConnectionString = options.IsPostgres
            ? NormalisePostgres(options.ConnectionString)
            : NormaliseSqlite(options.ConnectionString, contentRoot);
        services.AddSingleton(options);
        services.AddDbContextPool<CommunityDb>((provider, db) =>
        {
            if (options.IsPostgres)
            {
                db.UseNpgsql(options.ConnectionString);
            }
            else
            {
                db.UseCommunitySqlite(options.ConnectionString);
            }
            // Migrations are hand-written (the EF design package is not available here), so there is
            // no model snapshot to compare against; MigrationsMatchModel tests guard the schema instead.
            db.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
            // Features that act within a SaveChanges (mailing new notifications in the same transaction) register one of these.
            db.AddInterceptors(provider.GetServices<ISaveChangesInterceptor>());
        });
        return services;
    }

    /// <summary>
    /// Pooled PostgreSQL connections go back to the pool without <c>DISCARD ALL</c> unless the operator set "No Reset On Close":
    /// the app keeps no session state on them (no SET, temporary tables or LISTEN; the listeners have connections of their own),
    /// and a reply opened and returned a connection about eight times, so the resets were a tenth of PostgreSQL's statements.
    /// Statements the app runs again and again (every reply's dozen) are prepared on each pooled connection after their second use
    /// ("Max Auto Prepare", unless the operator set it): PostgreSQL then skips parsing and planning them, which was most of its
    /// work per reply. A database on this machine is reached without TLS unless the operator asked for it (see IsLoopback).
    /// </summary>
    internal static string NormalisePostgres(string value)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(value);
        if (!value.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) builder.NoResetOnClose = true;
        if (!value.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) builder.MaxAutoPrepare = 100;
        if (!value.Contains("SSL Mode", StringComparison.OrdinalIgnoreCase) && !value.Contains("SslMode", StringComparison.OrdinalIgnoreCase)
            && IsLoopback(builder.Host)) builder.SslMode = Npgsql.SslMode.Disable;
        return builder.ConnectionString;
    }

    // Npgsql's default ("Prefer") encrypts whenever the server offers TLS, as Debian's cluster does: on the same machine that protects
    // nothing and was a third of the app's CPU per reply. Remote databases keep the default, or whatever the operator set.
    private static bool IsLoopback(string? host) => host is null || host.StartsWith('/')
        || host.Split(',').All(h => h.Trim() is "localhost" or "127.0.0.1" or "::1" or "[::1]");

    /// <summary>SQLite as the app uses it: per-connection pragmas, and every write through the <see cref="WriteGate"/>.</summary>
    public static DbContextOptionsBuilder UseCommunitySqlite(this DbContextOptionsBuilder db, string connectionString) =>
        db.UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmas(), WriteGateInterceptor.Instance)
            .ReplaceService<IRelationalTransactionFactory, GatedTransactionFactory>();

    /// <summary>Accepts a bare file path or a connection string; makes relative paths relative to the content root and creates the folder.</summary>
    internal static string NormaliseSqlite(string value, string contentRoot)
    {
        var builder = value.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(value)
            : new SqliteConnectionStringBuilder { DataSource = value };
        if (builder.DataSource != ":memory:" && !builder.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = Path.IsPathRooted(builder.DataSource) ? builder.DataSource : Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            builder.DataSource = path;
        }
        builder.Pooling = true;
        return builder.ToString();
    }

    /// <summary>Applies migrations; on SQLite switches the file to WAL first (a persistent setting).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.CloseConnectionAsync();
        }
        await db.Database.MigrateAsync(cancellationToken);
    }
}
