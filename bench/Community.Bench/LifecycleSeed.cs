using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Community.Bench;

/// <summary>Writes the lifecycle bench's community straight into SQLite: members joined over two years, threads and posts (a third of
/// the members post), reactions, accepted answers, referral codes and referrals (half converted). Deterministic (seeded).</summary>
internal static class LifecycleSeed
{
    public static async Task RunAsync(SqliteConnection db, int members, int posts, int threads, int reactions, int referrals)
    {
        var random = new Random(16);
        var now = DateTime.UtcNow;
        var category = await ScalarAsync(db, """SELECT "Id" FROM "ForumCategories" ORDER BY "Id" LIMIT 1""");
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync();
        var joined = new DateTime[members];
        var user = await InsertAsync(db, tx, "AspNetUsers", ["Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed",
            "DisplayName", "SecurityStamp", "ConcurrencyStamp", "JoinedAt"]);
        for (var i = 0; i < members; i++)
        {
            joined[i] = now.AddMinutes(-random.Next(0, 730 * 24 * 60));
            await RunAsync(user, Id(i), $"life{i}", $"LIFE{i}", $"life-{i}@bench.local", $"LIFE-{i}@BENCH.LOCAL", 1, $"Life Member {i}", Id(i), Id(i),
                Stamp(joined[i]));
        }
        // A third of the members write; recent activity is likelier than old, so stages spread over every kind.
        string Author(Random r) => Id(r.Next(0, members / 3) * 3);
        DateTime Recent(Random r) => now.AddMinutes(-Math.Pow(r.NextDouble(), 2) * 400 * 24 * 60);
        var thread = await InsertAsync(db, tx, "ForumThreads", ["CategoryId", "AuthorId", "Title", "Slug", "Summary", "CreatedAt", "LastPostAt",
            "LastSeq", "AcceptedSeq"]);
        var firstThread = await ScalarAsync(db, """SELECT COALESCE(MAX("Id"), 0) + 1 FROM "ForumThreads" """, tx);
        var perThread = posts / threads;
        for (var t = 0; t < threads; t++)
        {
            object accepted = t % 3 == 0 ? 2 : DBNull.Value;
            await RunAsync(thread, category, Author(random), $"Lifecycle bench thread {t}", $"lifecycle-bench-{t}", "", Stamp(now.AddDays(-400)),
                Stamp(now), perThread, accepted);
        }
        var post = await InsertAsync(db, tx, "ForumPosts", ["ThreadId", "Seq", "AuthorId", "Body", "Html", "CreatedAt"]);
        for (var i = 0; i < posts; i++)
            await RunAsync(post, firstThread + i % threads, i / threads + 1, Author(random), "x", "<p>x</p>", Stamp(Recent(random)));
        var reaction = await InsertAsync(db, tx, "ForumReactions", ["PostId", "MemberId", "Kind", "CreatedAt"]);
        var firstPost = await ScalarAsync(db, """SELECT MIN("Id") FROM "ForumPosts" WHERE "Body" = 'x'""", tx);
        for (var i = 0; i < reactions; i++)
            await RunAsync(reaction, firstPost + i, Id(random.Next(0, members)), "like", Stamp(Recent(random)));
        var code = await InsertAsync(db, tx, "ReferralCodes", ["Code", "OwnerId", "Kind", "CreatedAt"]);
        var firstCode = await ScalarAsync(db, """SELECT COALESCE(MAX("Id"), 0) + 1 FROM "ReferralCodes" """, tx);
        for (var c = 0; c < referrals / 2; c++) await RunAsync(code, $"lifecode{c}", Id(c * 7), 0, Stamp(now.AddDays(-500)));
        var referral = await InsertAsync(db, tx, "Referrals", ["CodeId", "AdvocateId", "ReferredMemberId", "Source", "Decision", "FraudScore",
            "Reasons", "IsTest", "CreatedAt", "ConfirmedAt", "ConvertedAt"]);
        for (var r = 0; r < referrals; r++)
        {
            var at = Recent(random);
            object converted = r % 2 == 0 ? Stamp(at.AddDays(3) > now ? now : at.AddDays(3)) : DBNull.Value;
            await RunAsync(referral, firstCode + r / 2, Id(r / 2 * 7), Id(members - 1 - r), "typed", 0, 0, "", 0, Stamp(at), Stamp(at), converted);
        }
        await tx.CommitAsync();
    }

    private static string Id(int i) => $"life-{i:D6}";

    private static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    /// <summary>An INSERT of <paramref name="columns"/> that also fills the table's other NOT NULL columns without a default.</summary>
    private static async Task<SqliteCommand> InsertAsync(SqliteConnection db, SqliteTransaction tx, string table, string[] columns)
    {
        var extra = new List<(string Name, string Value)>();
        await using (var info = db.CreateCommand())
        {
            info.Transaction = tx;
            info.CommandText = $"""PRAGMA table_info("{table}")""";
            await using var reader = await info.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(1);
                var optional = reader.GetInt64(3) == 0 || !reader.IsDBNull(4) || reader.GetInt64(5) > 0;
                if (optional || columns.Contains(name, StringComparer.Ordinal)) continue;
                var type = reader.GetString(2).ToUpperInvariant();
                extra.Add((name, type.Contains("INT", StringComparison.Ordinal) ? "0" : type.Contains("REAL", StringComparison.Ordinal) ? "0.0"
                    : type.Contains("TEXT", StringComparison.Ordinal) && name.EndsWith("At", StringComparison.Ordinal)
                        ? $"'{Stamp(DateTime.UtcNow)}'" : "''"));
            }
        }
        var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"""
            INSERT INTO "{table}" ({string.Join(", ", columns.Concat(extra.Select(e => e.Name)).Select(c => $"\"{c}\""))})
            VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}").Concat(extra.Select(e => e.Value)))})
            """;
        for (var i = 0; i < columns.Length; i++) command.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value));
        return command;
    }

    private static async Task RunAsync(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        await using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
