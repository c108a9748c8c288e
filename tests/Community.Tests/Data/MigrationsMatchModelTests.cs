using System.Data.Common;
using Community.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Community.Tests.Data;

/// <summary>
/// Migrations are written by hand, so these tests build the schema twice — once by running every migration,
/// once straight from the EF model — and demand that they are identical. A forgotten or wrong migration fails here.
/// </summary>
public sealed class MigrationsMatchModelTests
{
    [Fact]
    public async Task Sqlite_schema_from_migrations_matches_the_model()
    {
        var folder = Directory.CreateTempSubdirectory("community-schema").FullName;
        await using var migrated = Databases.Sqlite(Path.Combine(folder, "migrated.db"));
        await using var created = Databases.Sqlite(Path.Combine(folder, "created.db"));
        await migrated.Database.MigrateAsync();
        await created.Database.EnsureCreatedAsync();

        var expected = await DescribeSqliteAsync(created);
        var actual = await DescribeSqliteAsync(migrated, only: expected.Tables);
        Assert.Equal(expected.Lines, actual.Lines);
        Assert.Empty(await migrated.Database.GetPendingMigrationsAsync());
    }

    [PostgresFact]
    public async Task Postgres_schema_from_migrations_matches_the_model()
    {
        await using var a = await Databases.CreatePostgresAsync();
        await using var b = await Databases.CreatePostgresAsync();
        await using (var migrated = Databases.Postgres(a.ConnectionString)) await migrated.Database.MigrateAsync();
        await using (var created = Databases.Postgres(b.ConnectionString)) await created.Database.EnsureCreatedAsync();

        await using var migratedDb = Databases.Postgres(a.ConnectionString);
        await using var createdDb = Databases.Postgres(b.ConnectionString);
        var expected = await DescribePostgresAsync(createdDb);
        var actual = await DescribePostgresAsync(migratedDb);
        var tables = expected.Select(l => l.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(expected, actual.Where(l => tables.Contains(l.Split(' ')[0])).ToList());
    }

    private static async Task<(List<string> Lines, HashSet<string> Tables)> DescribeSqliteAsync(DbContext db, HashSet<string>? only = null)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = (await QueryAsync(connection, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> '__EFMigrationsHistory' AND sql NOT LIKE 'CREATE VIRTUAL%'"))
            .Select(r => r[0]).Where(t => only is null || only.Contains(t)).Order(StringComparer.Ordinal).ToList();
        var lines = new List<string>();
        foreach (var table in tables)
        {
            foreach (var c in await QueryAsync(connection, $"SELECT name, type, \"notnull\", pk, dflt_value FROM pragma_table_info('{table}')"))
                lines.Add($"{table} column {c[0]} {c[1]} notnull={c[2]} pk={c[3]} default={c[4]}");
            foreach (var i in await QueryAsync(connection, $"SELECT name, \"unique\", partial FROM pragma_index_list('{table}') WHERE origin = 'c'"))
            {
                var columns = (await QueryAsync(connection, $"SELECT name FROM pragma_index_info('{i[0]}') ORDER BY seqno")).Select(r => r[0]);
                lines.Add($"{table} index {i[0]} unique={i[1]} partial={i[2]} ({string.Join(",", columns)})");
            }
            foreach (var f in await QueryAsync(connection, $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')"))
                lines.Add($"{table} fk {f[1]} -> {f[0]}.{f[2]} on delete {f[3]}");
        }
        lines.Sort(StringComparer.Ordinal);
        return (lines, tables.ToHashSet(StringComparer.Ordinal));
    }

    private static async Task<List<string>> DescribePostgresAsync(DbContext db)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var lines = new List<string>();
        foreach (var c in await QueryAsync(connection, """
            SELECT table_name, column_name, data_type, is_nullable, coalesce(character_maximum_length::text, ''), coalesce(column_default, ''), is_identity
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'
            """))
            lines.Add($"{c[0]} column {c[1]} {c[2]} nullable={c[3]} max={c[4]} default={c[5]} identity={c[6]}");
        foreach (var i in await QueryAsync(connection, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory'"))
            lines.Add($"{i[0]} index {i[1]} {i[2]}");
        foreach (var f in await QueryAsync(connection, """
            SELECT tc.table_name, tc.constraint_name, rc.delete_rule FROM information_schema.table_constraints tc
            JOIN information_schema.referential_constraints rc ON rc.constraint_name = tc.constraint_name
            WHERE tc.table_schema = 'public' AND tc.constraint_type = 'FOREIGN KEY'
            """))
            lines.Add($"{f[0]} fk {f[1]} on delete {f[2]}");
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<string[]>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!;
            rows.Add(row);
        }
        return rows;
    }
}
