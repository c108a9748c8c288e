using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Community.Bench;

/// <summary>
/// Issue #15: one daily digest run for 10,000 members, each with three unread replies in a watched thread (a digest topic by default).
/// Members, notifications and their waiting digests are written straight into the bench database with a due time far ahead; one
/// UPDATE then makes them all due, and the server's digest job (polling every second here) finds them, renders each digest and
/// queues it in the outbox. Measured from that UPDATE to the last digest queued. The reference is reading the same rows (the
/// notifications with their threads and members) from this process on the same file.
/// </summary>
internal static class DigestsScenario
{
    private const int Members = 10_000, PerMember = 3;
    private static readonly string[] UserParameters = ["$id", "$name", "$email", "$display"];

    public static async Task RunAsync(string repo, int port, Report report)
    {
        await using var server = await Server.StartAsync(repo, port, null, "--Notifications:DigestPollSeconds=1");
        var file = Path.Combine(server.Folder, "bench.db");
        await using var db = new SqliteConnection($"Data Source={file};Default Timeout=60");
        await db.OpenAsync();
        var seeding = Stopwatch.StartNew();
        await SeedAsync(db);
        seeding.Stop();

        // The reference: the same rows read and materialised, as the digest run must at least do.
        var reading = Stopwatch.StartNew();
        var rows = 0;
        await using (var read = db.CreateCommand())
        {
            read.CommandText = """
                SELECT n."MemberId", n."Kind", n."Text", n."Url", n."CreatedAt", t."AuthorId", u."Email", u."DisplayName"
                FROM "ForumNotifications" n JOIN "ForumThreads" t ON t."Id" = n."ThreadId" JOIN "AspNetUsers" u ON u."Id" = n."MemberId"
                WHERE n."ReadAt" IS NULL AND u."Email" LIKE 'digest-%'
                """;
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++) _ = reader.GetValue(i);
                rows++;
            }
        }
        reading.Stop();

        var run = Stopwatch.StartNew();
        await ExecAsync(db, $"""UPDATE "DigestsDue" SET "DueAt" = '{Stamp(DateTime.UtcNow.AddMinutes(-1))}'""");
        long queued = 0, waiting = Members;
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            // The demo community's own members may have a digest waiting too: only the bench's members are counted.
            waiting = await CountAsync(db, """SELECT COUNT(*) FROM "DigestsDue" WHERE "MemberId" LIKE 'digest-member-%'""");
            queued = await CountAsync(db,
                """SELECT COUNT(*) FROM "OutboxMessages" WHERE "Subject" LIKE 'Your daily %' AND "Recipient" LIKE 'digest-%@bench.local'""");
            if (waiting == 0 && queued >= Members) break;
            await Task.Delay(100);
        }
        run.Stop();
        var seconds = run.Elapsed.TotalSeconds;
        Console.WriteLine($"    digests: seeded {Members:N0} members × {PerMember} notifications in {seeding.Elapsed.TotalSeconds:0.0} s; "
            + $"read {rows:N0} rows in {reading.Elapsed.TotalMilliseconds:0} ms; run {seconds:0.0} s, {queued:N0} queued, {waiting:N0} still due");
        var measure = $"daily digest run, {Members:N0} members × {PerMember} unread notifications (SQLite, one server, mail to the pickup folder)";
        var result = $"{Report.F(seconds)} s, {queued:N0} digests queued ({Report.F(queued / seconds, "0")}/s), {Report.Exact(queued, Members)}";
        report.Add("Digests", measure, "≤ 60 s, one digest each", result,
            seconds <= 60 && queued == Members && waiting == 0,
            $"{Report.F(run.Elapsed.TotalMilliseconds / Math.Max(1, reading.Elapsed.TotalMilliseconds), "0.0")}× reading the same {rows:N0} rows "
            + $"({Report.F(reading.Elapsed.TotalMilliseconds, "0")} ms)");
    }

    private static async Task SeedAsync(SqliteConnection db)
    {
        var (threadId, slug) = await ThreadAsync(db);
        var columns = await RequiredUserColumnsAsync(db);
        var now = DateTime.UtcNow;
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync();
        var user = db.CreateCommand();
        user.Transaction = tx;
        var names = new List<string> { "Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "DisplayName",
            "SecurityStamp", "ConcurrencyStamp" };
        var extra = columns.Where(c => !names.Contains(c.Name, StringComparer.Ordinal)).ToList();
        user.CommandText = $"""
            INSERT INTO "AspNetUsers" ({string.Join(", ", names.Concat(extra.Select(c => c.Name)).Select(n => $"\"{n}\""))})
            VALUES ($id, $name, upper($name), $email, upper($email), 1, $display, $id, $id{string.Concat(extra.Select(c => ", " + c.Default))})
            """;
        var p = UserParameters.ToDictionary(n => n, n => user.Parameters.Add(new SqliteParameter(n, "")));
        var note = db.CreateCommand();
        note.Transaction = tx;
        note.CommandText = """
            INSERT INTO "ForumNotifications" ("MemberId", "Kind", "ThreadId", "Seq", "Text", "Url", "CreatedAt")
            VALUES ($member, 'reply', $thread, $seq, $text, $url, $at)
            """;
        var member = note.Parameters.Add(new SqliteParameter("$member", ""));
        note.Parameters.AddWithValue("$thread", threadId);
        var seq = note.Parameters.Add(new SqliteParameter("$seq", 0));
        var text = note.Parameters.Add(new SqliteParameter("$text", ""));
        var url = note.Parameters.Add(new SqliteParameter("$url", ""));
        note.Parameters.AddWithValue("$at", Stamp(now.AddHours(-2)));
        var due = db.CreateCommand();
        due.Transaction = tx;
        due.CommandText = """
            INSERT INTO "DigestsDue" ("MemberId", "Period", "DueAt", "Since") VALUES ($member, 'daily', '2099-01-01 08:00:00', $since)
            """;
        var dueMember = due.Parameters.Add(new SqliteParameter("$member", ""));
        due.Parameters.AddWithValue("$since", Stamp(now.AddHours(-3)));
        for (var i = 0; i < Members; i++)
        {
            var id = $"digest-member-{i:D5}";
            p["$id"].Value = id;
            p["$name"].Value = $"digest{i}";
            p["$email"].Value = $"digest-{i}@bench.local";
            p["$display"].Value = $"Digest Reader {i}";
            await user.ExecuteNonQueryAsync();
            for (var n = 1; n <= PerMember; n++)
            {
                member.Value = id;
                seq.Value = n + 1;
                text.Value = $"Someone {n} replied in “Bench thread {i % 50}”";
                url.Value = $"/t/{threadId}/{slug}#p{n + 1}";
                await note.ExecuteNonQueryAsync();
            }
            dueMember.Value = id;
            await due.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    /// <summary>A demo thread the members watch (none of them wrote it, so its replies are a digest topic).</summary>
    private static async Task<(long Id, string Slug)> ThreadAsync(SqliteConnection db)
    {
        await using var command = db.CreateCommand();
        command.CommandText = """SELECT "Id", "Slug" FROM "ForumThreads" ORDER BY "Id" LIMIT 1""";
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException("The demo seed made no threads.");
        return (reader.GetInt64(0), reader.GetString(1));
    }

    /// <summary>NOT NULL columns of the member table without a default, with a value of their type (the schema grows per feature).</summary>
    internal static async Task<List<(string Name, string Default)>> RequiredUserColumnsAsync(SqliteConnection db)
    {
        var columns = new List<(string, string)>();
        await using var command = db.CreateCommand();
        command.CommandText = """PRAGMA table_info("AspNetUsers")""";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (reader.GetInt64(3) == 0 || !reader.IsDBNull(4) || reader.GetInt64(5) > 0) continue;
            var type = reader.GetString(2).ToUpperInvariant();
            columns.Add((reader.GetString(1), type.Contains("INT", StringComparison.Ordinal) ? "0"
                : type.Contains("REAL", StringComparison.Ordinal) ? "0.0" : $"'{Stamp(DateTime.UtcNow)}'"));
        }
        return columns;
    }

    private static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static async Task ExecAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
