using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>
/// Standard Webhooks signing: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c> with the secret's base64-decoded
/// bytes, sent as <c>v1,{base64}</c>; several signatures are separated by spaces (how a rotated secret keeps working).
/// Proven against the specification's test vector in WebhookSigningTests.
/// </summary>
public static class WebhookSigning
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    public static string SignAll(IEnumerable<string> secrets, string id, long timestamp, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, id, timestamp, body)));
}

/// <summary>Keeps endpoint secrets encrypted at rest and hands back the ones that sign right now.</summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    private readonly IDataProtector _protector = protection.CreateProtector("Community.Integrations.Webhooks.Secrets.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public const string Unreadable = "This server cannot read the signing secret: share DataProtection:KeysFolder between servers.";

    /// <summary>The signing secrets, or null when this server's Data Protection keys cannot decrypt them (a key folder not shared
    /// between servers): the attempt then fails with a reason instead of stalling the whole batch.</summary>
    public IReadOnlyList<string>? TrySigning(WebhookEndpoint endpoint, DateTime now)
    {
        try { return Signing(endpoint, now); }
        catch (System.Security.Cryptography.CryptographicException) { return null; }
    }

    /// <summary>The current secret, then the previous one while its 24 hours after a rotation last.</summary>
    public IReadOnlyList<string> Signing(WebhookEndpoint endpoint, DateTime now)
    {
        var secrets = new List<string>(2) { _protector.Unprotect(endpoint.ProtectedSecret) };
        if (endpoint.PreviousProtectedSecret is { } previous && endpoint.PreviousSecretExpiresAt > now)
            secrets.Add(_protector.Unprotect(previous));
        return secrets;
    }
}
