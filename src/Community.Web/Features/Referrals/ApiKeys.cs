using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record ApiKeyView(string Id, string Name, DateTime CreatedAt, DateTime? RevokedAt)
{
    public IReadOnlyList<string> Scopes { get; init; } = [];
    public DateTime? LastUsedAt { get; init; }
}
public sealed record CreatedApiKey(string Id, string Name, string Secret, DateTime CreatedAt, string Note);

/// <summary>
/// Integration keys for the events API. The secret is shown once; the database keeps its SHA-256 and the secret itself
/// encrypted with Data Protection, because checking an HMAC needs the key. Verified keys are cached until revoked; a revocation
/// is a cache signal, so every server drops the key within milliseconds. Use is recorded at most once a minute per key and server.
/// </summary>
public sealed partial class ApiKeys : IApiKeyLookup
{
    public const string Topic = "api-keys";
    private static readonly long UseInterval = TimeSpan.FromMinutes(1).Ticks;
    public const string KeyHeader = "X-Community-Key";
    public const string SignatureHeader = "X-Community-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider clock;
    private readonly ICacheSignals _signals;
    private readonly ILogger<ApiKeys> _logger;
    private readonly IDataProtector _protector;
    private readonly ConcurrentDictionary<string, SigningKey?> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ApiCaller?> _callers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastUseWritten = new(StringComparer.Ordinal);
    private long _version; // a lookup that began before a revocation must not cache what it read

    private sealed record SigningKey(byte[] Secret, IReadOnlySet<string> Scopes);

    public ApiKeys(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock, ICacheSignals signals,
        ILogger<ApiKeys> logger)
    {
        this.scopes = scopes;
        this.clock = clock;
        _signals = signals;
        _logger = logger;
        _protector = protection.CreateProtector("Community.Referrals.ApiKeys.v1");
        signals.Subscribe(Topic, id =>
        {
            Interlocked.Increment(ref _version);
            if (id == CacheSignalTopics.Everything) _keys.Clear();
            else _keys.TryRemove(id, out _);
            // Bearer lookups are cached by hash; a revocation is rare, so dropping them all is simplest.
            _callers.Clear();
        });
    }

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

    /// <summary>After a revocation has committed: every server (this one at once) drops the key.</summary>
    public void Forget(string id) => _signals.Publish(Topic, id);

    public static IReadOnlyList<string> ScopeList(string scopes) => scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>True when the (verified) key holds <paramref name="scope"/>.</summary>
    public async ValueTask<bool> HasScopeAsync(string keyId, string scope, CancellationToken ct) =>
        (await SecretAsync(keyId, ct))?.Scopes.Contains(scope) == true;

    private void Used(string keyId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var last = _lastUseWritten.GetValueOrDefault(keyId);
        if (now.Ticks - last < UseInterval) return;
        // One request per key and minute wins the turn to write; the others return at once.
        if (last == 0 ? !_lastUseWritten.TryAdd(keyId, now.Ticks) : !_lastUseWritten.TryUpdate(keyId, now.Ticks, last)) return;
        _ = RecordUseAsync(keyId, now);
    }

    private async Task RecordUseAsync(string keyId, DateTime at)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            await db.Set<ReferralApiKey>().Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogUseNotRecorded(_logger, keyId, ex.Message); // only the last-used time is lost
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Last use of API key {KeyId} not recorded ({Error})")]
    private static partial void LogUseNotRecorded(ILogger logger, string keyId, string error);

    public async ValueTask<ApiCaller?> FindBySecretHashAsync(string secretHash, CancellationToken ct)
    {
        var caller = await LookUpAsync(secretHash, ct);
        if (caller is not null) Used(caller.KeyId);
        return caller;
    }

    private async ValueTask<ApiCaller?> LookUpAsync(string secretHash, CancellationToken ct)
    {
        if (_callers.TryGetValue(secretHash, out var cached)) return cached;
        var version = Interlocked.Read(ref _version);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var key = await db.Set<ReferralApiKey>().AsNoTracking().FirstOrDefaultAsync(k => k.SecretHash == secretHash && k.RevokedAt == null, ct);
        var caller = key is null ? null
            : new ApiCaller(key.Id, key.Name, ScopeList(key.Scopes).ToHashSet(StringComparer.Ordinal));
        if (_callers.Count > 10_000) _callers.Clear();
        if (version == Interlocked.Read(ref _version)) _callers[secretHash] = caller;
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

        var secret = (await SecretAsync(keyId, ct))?.Secret;
        if (secret is null) return (null, "Unknown or revoked API key.");
        var signed = new byte[t!.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(t, signed);
        signed[t.Length] = (byte)'.';
        body.CopyTo(signed, t.Length + 1);
        var expected = HMACSHA256.HashData(secret, signed);
        byte[] given;
        try { given = Convert.FromHexString(v1); } catch (FormatException) { return (null, "The signature header is malformed."); }
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) return (null, "The signature does not match the request body.");
        Used(keyId);
        return (keyId, null);
    }

    private async ValueTask<SigningKey?> SecretAsync(string keyId, CancellationToken ct)
    {
        if (_keys.TryGetValue(keyId, out var cached)) return cached;
        var version = Interlocked.Read(ref _version);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var key = await db.Set<ReferralApiKey>().AsNoTracking().FirstOrDefaultAsync(k => k.Id == keyId, ct);
        SigningKey? secret = null;
        if (key is { RevokedAt: null })
        {
            try
            {
                secret = new(Encoding.UTF8.GetBytes(_protector.Unprotect(key.ProtectedSecret)),
                    ScopeList(key.Scopes).ToHashSet(StringComparer.Ordinal));
            }
            catch (CryptographicException) { secret = null; }
        }
        if (_keys.Count > 10_000) _keys.Clear();
        if (version == Interlocked.Read(ref _version)) _keys[keyId] = secret;
        return secret;
    }

    /// <summary>The signing recipe, for documentation and tests.</summary>
    public static string Sign(string secret, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body)))}";
    }
}
