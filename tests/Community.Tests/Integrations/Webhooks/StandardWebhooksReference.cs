using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Community.Tests.Integrations.Webhooks;

/// <summary>
/// The Standard Webhooks reference verification, written here independently of the server's signer: the secret is the base64 after
/// "whsec_"; the signed content is "{webhook-id}.{webhook-timestamp}.{body}"; the header holds space-separated "v1,{base64}"
/// signatures, any one of which may match; the timestamp must be within 5 minutes of now.
/// </summary>
public static class StandardWebhooksReference
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Null when verified, else why not.</summary>
    public static string? Verify(string secret, string? id, string? timestamp, string? signatures, string body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures)) return "missing headers";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return "bad timestamp";
        var sent = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (sent < now - Tolerance) return "timestamp too old";
        if (sent > now + Tolerance) return "timestamp too new";
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        using var hmac = new HMACSHA256(key);
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        foreach (var versioned in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = versioned.Split(',', 2);
            if (parts.Length != 2 || parts[0] != "v1") continue;
            byte[] given;
            try { given = Convert.FromBase64String(parts[1]); } catch (FormatException) { continue; }
            if (CryptographicOperations.FixedTimeEquals(given, expected)) return null;
        }
        return "no matching signature";
    }
}
