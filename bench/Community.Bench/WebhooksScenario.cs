using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Community.Bench;

/// <summary>
/// Issue #12: webhook deliveries per second to a local receiver. Events are written straight into the outbox table (as features write
/// them, committed), then the server fans them out and delivers them, signed, to a Kestrel receiver on loopback that verifies every
/// signature with the Standard Webhooks algorithm. Measured from the commit of the events to the last delivery received.
/// </summary>
internal static class WebhooksScenario
{
    private const int Events = 20_000;
    private static readonly string[] PostCreated = ["post.created"];

    public static async Task RunAsync(string repo, int port, Report report)
    {
        var received = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var refused = 0L;
        var secret = "";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port + 1}");
        await using var receiver = builder.Build();
        receiver.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var id = request.Headers["webhook-id"].ToString();
            if (!Verify(secret, id, request.Headers["webhook-timestamp"].ToString(), request.Headers["webhook-signature"].ToString(), body))
            {
                Interlocked.Increment(ref refused);
                return Results.StatusCode(401);
            }
            received.TryAdd(id, 0);
            return Results.NoContent();
        });
        await receiver.StartAsync();

        await using var server = await Server.StartAsync(repo, port, null, "--Webhooks:AllowHttp=true", "--Webhooks:AllowPrivateTargets=true");
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
        var created = await admin.PostJsonAsync("/api/admin/integrations/webhooks",
            new { url = $"http://127.0.0.1:{port + 1}/hooks", description = "bench", eventTypes = PostCreated });
        secret = created.GetProperty("secret").GetString()!;

        var cpuBefore = server.CpuSeconds();
        var clock = Stopwatch.StartNew();
        await InsertEventsAsync(server);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (received.Count < Events && DateTime.UtcNow < deadline) await Task.Delay(20);
        var seconds = clock.Elapsed.TotalSeconds;
        var rate = received.Count / seconds;
        var cpuMicros = (server.CpuSeconds() - cpuBefore) * 1e6 / Math.Max(1, received.Count);
        report.Add("Webhooks", $"deliveries/s to a local receiver ({Events:N0} events, signatures verified)", "≥ 1,000/s",
            $"{Report.F(rate, "0")}/s ({received.Count:N0} of {Events:N0} in {Report.F(seconds, "0.0")} s, {Interlocked.Read(ref refused)} refused)",
            rate >= 1000 && received.Count == Events && refused == 0, report.VsRate(rate));
        // CPU time is what a busy machine disturbs least: the capacity one core would have if nothing else ran.
        report.Add("Webhooks", "server CPU per delivery (fan-out, signing, sending, recording)", "informational",
            $"{Report.F(cpuMicros, "0")} µs/delivery (≈ {Report.F(1e6 / cpuMicros, "0")} deliveries/s per core)", null);
        await receiver.StopAsync();
    }

    private static async Task InsertEventsAsync(Server server)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.Folder, "bench.db")};Default Timeout=30");
        await db.OpenAsync();
        await using var tx = (Microsoft.Data.Sqlite.SqliteTransaction)await db.BeginTransactionAsync();
        await using var insert = db.CreateCommand();
        insert.CommandText = "INSERT INTO WebhookEvents (Id, Type, Data, Private, CreatedAt) VALUES ($id, 'post.created', $data, 0, $at)";
        var id = insert.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
        var data = insert.Parameters.Add("$data", Microsoft.Data.Sqlite.SqliteType.Text);
        insert.Parameters.AddWithValue("$at", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
        for (var i = 0; i < Events; i++)
        {
            id.Value = $"msg_bench{i:D12}";
            data.Value = $"{{\"postId\":{i},\"threadId\":1,\"url\":\"https://community.example/t/1#p{i}\"}}";
            await insert.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    /// <summary>The Standard Webhooks check (base64 secret after "whsec_", HMAC-SHA256 of "id.timestamp.body", any v1 signature).</summary>
    private static bool Verify(string secret, string id, string timestamp, string signatures, string body)
    {
        if (secret.Length == 0) return false;
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return signatures.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }
}
