using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Community.Bench;

/// <summary>Issue #11: the advocate panel inside the product (/embed/refer) for a signed-in token, cached per member.</summary>
internal static class EmbedScenario
{
    /// <summary>Passed to the bench server (Server.cs) so the panel is on.</summary>
    public const string Secret = "bench-embed-secret-0123456789-0123456789-0123456789";

    public static async Task RunAsync(Server server, Report report, int seconds)
    {
        // The bench admin stands in for a product user: give them the product's id, as SSO or the sync API would.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(server.Folder, "bench.db")};Default Timeout=60"))
        {
            await db.OpenAsync();
            await using var command = db.CreateCommand();
            command.CommandText = "UPDATE AspNetUsers SET ExternalId = 'bench_advocate' WHERE NormalizedEmail = $email";
            command.Parameters.AddWithValue("$email", Server.AdminEmail.ToUpperInvariant());
            await command.ExecuteNonQueryAsync();
        }
        var url = $"{server.Url}/embed/refer?token={Mint("bench_advocate")}&theme=dark";
        using (var check = new HttpClient())
        {
            using var first = await check.GetAsync(url);
            first.EnsureSuccessStatusCode();
        }
        var r = await Wrk.RunAsync(url, seconds: seconds);
        report.Add("SSO & embed", "GET /embed/refer with a product token (validated once, panel cached per member), wrk 32 connections",
            "≥ 10,000 req/s, p99 ≤ 10 ms",
            $"{Report.F(r.RequestsPerSecond, "0")} req/s, p99 {Report.F(r.P99Ms, "0.00")} ms{(r.Errors > 0 ? $", {r.Errors} non-2xx/3xx" : "")}",
            r.RequestsPerSecond >= 10_000 && r.P99Ms <= 10 && r.Errors == 0, report.VsRate(r.RequestsPerSecond));
    }

    /// <summary>What the product's server does: an HS256 JWT with sub, iat and exp ten minutes later.</summary>
    private static string Mint(string sub)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var head = B64(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""));
        var body = B64(Encoding.UTF8.GetBytes($$"""{"sub":"{{sub}}","iat":{{iat}},"exp":{{iat + 600}}}"""));
        var sig = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(head + "." + body)));
        return head + "." + body + "." + sig;
    }
}
