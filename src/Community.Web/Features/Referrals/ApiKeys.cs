using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Community.Web.Data;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record ApiKeyView(string Id, string Name, DateTime CreatedAt, DateTime? RevokedAt);
public sealed record CreatedApiKey(string Id, string Name, string Secret, DateTime CreatedAt, string Note);

/// <summary>
/// Integration keys for the events API. The secret is shown once; the database keeps its SHA-256 and the secret itself
/// encrypted with Data Protection, because checking an HMAC needs the key. Verified keys are cached until revoked.
/// </summary>
public sealed class ApiKeys(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock) : IApiKeyLookup
{
    public const string KeyHeader = "X-Community-Key";
    public const string SignatureHeader = "X-Community-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private readonly IDataProtector _protector = protection.CreateProtector("Community.Referrals.ApiKeys.v1");
    private readonly ConcurrentDictionary<string, byte[]?> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ApiCaller?> _callers = new(StringComparer.Ordinal);

    public async Task<CreatedApiKey> CreateAsync(CommunityDb db, string name, CancellationToken ct) =>
        await CreateAsync(db, name, [ApiScopes.EventsWrite], ct);

    public async Task<CreatedApiKey> CreateAsync(CommunityDb db, string name, IReadOnlyCollection<string> scopes, CancellationToken ct)
    {
        var id = "rk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = "rs_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = new ReferralApiKey
        {
            Id = id,
            Name = name,
            SecretHash = ApiScopes.Hash(secret),
            Scopes = string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            ProtectedSecret = _protector.Protect(secret),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(key);
        await db.SaveChangesAsync(ct);
        return new CreatedApiKey(id, name, secret, key.CreatedAt, "Copy the secret now: it is not shown again.");
    }

    public void Forget(string id)
    {
        _keys.TryRemove(id, out _);
        // Bearer lookups are cached by hash; a revocation is rare, so dropping them all is simplest.
        _callers.Clear();
    }

    public async ValueTask<ApiCaller?> FindBySecretHashAsync(string secretHash, CancellationToken ct)
    {
        if (_callers.TryGetValue(secretHash, out var cached)) return cached;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var key = await db.Set<ReferralApiKey>().AsNoTracking().FirstOrDefaultAsync(k => k.SecretHash == secretHash && k.RevokedAt == null, ct);
        var caller = key is null ? null
            : new ApiCaller(key.Id, key.Name, key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));
        if (_callers.Count > 10_000) _callers.Clear();
        _callers[secretHash] = caller;
        return caller;
    }

    /// <summary>Checks <c>X-Community-Signature: t={unix},v1={hex HMAC-SHA256(secret, t + "." + body)}</c>.
    /// Returns the key id, or an error text.</summary>
    public async Task<(string? KeyId, string? Error)> VerifyAsync(HttpRequest request, byte[] body, CancellationToken ct)
    {
        var keyId = request.Headers[KeyHeader].ToString();
        var header = request.Headers[SignatureHeader].ToString();
        if (keyId.Length is 0 or > 40 || header.Length == 0) return (null, $"Send {KeyHeader} and {SignatureHeader} headers.");
        string? t = null, v1 = null;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal)) t = part[2..];
            else if (part.StartsWith("v1=", StringComparison.Ordinal)) v1 = part[3..];
        }
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var unix) || v1 is null || v1.Length != 64)
            return (null, "The signature header is malformed.");
        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unix, 0, 253402300799));
        if (age.Duration() > Tolerance) return (null, "The signature timestamp is outside the 5-minute tolerance. Check the sender's clock.");

        var secret = await SecretAsync(keyId, ct);
        if (secret is null) return (null, "Unknown or revoked API key.");
        var signed = new byte[t!.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(t, signed);
        signed[t.Length] = (byte)'.';
        body.CopyTo(signed, t.Length + 1);
        var expected = HMACSHA256.HashData(secret, signed);
        byte[] given;
        try { given = Convert.FromHexString(v1); } catch (FormatException) { return (null, "The signature header is malformed."); }
        return CryptographicOperations.FixedTimeEquals(expected, given) ? (keyId, null) : (null, "The signature does not match the request body.");
    }

    private async ValueTask<byte[]?> SecretAsync(string keyId, CancellationToken ct)
    {
        if (_keys.TryGetValue(keyId, out var cached)) return cached;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var key = await db.Set<ReferralApiKey>().AsNoTracking().FirstOrDefaultAsync(k => k.Id == keyId, ct);
        byte[]? secret = null;
        if (key is { RevokedAt: null })
        {
            try { secret = Encoding.UTF8.GetBytes(_protector.Unprotect(key.ProtectedSecret)); }
            catch (CryptographicException) { secret = null; }
        }
        if (_keys.Count > 10_000) _keys.Clear();
        _keys[keyId] = secret;
        return secret;
    }

    /// <summary>The signing recipe, for documentation and tests.</summary>
    public static string Sign(string secret, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body)))}";
    }
}
