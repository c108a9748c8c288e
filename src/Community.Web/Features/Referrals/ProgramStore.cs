using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>The program settings row, cached in memory and dropped on every server after a save (<see cref="ICacheSignals"/>).</summary>
public sealed class ProgramStore : IDisposable
{
    private const string Topic = "referral-program";
    private volatile ReferralProgram? _current;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly IServiceScopeFactory scopes;
    private readonly ReferralOptions options;
    private readonly TimeProvider clock;
    private readonly ICacheSignals _signals;
    private long _version; // a load that began before a change must not keep what it read

    public ProgramStore(IServiceScopeFactory scopes, ReferralOptions options, TimeProvider clock, ICacheSignals signals)
    {
        this.scopes = scopes;
        this.options = options;
        this.clock = clock;
        _signals = signals;
        signals.Subscribe(Topic, _ =>
        {
            Interlocked.Increment(ref _version);
            _current = null;
        });
    }

    public async ValueTask<ReferralProgram> GetAsync(CancellationToken ct = default)
    {
        var current = _current;
        if (CommunityMetrics.Cache("referral-program", current is not null)) return current!;
        await _loading.WaitAsync(ct);
        try
        {
            if (_current is { } loaded) return loaded;
            var version = Interlocked.Read(ref _version);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            var row = await db.Set<ReferralProgram>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == 1, ct);
            if (row is null)
            {
                row = new ReferralProgram
                {
                    InviteOnly = options.InviteOnly,
                    IpSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                    UpdatedAt = clock.GetUtcNow().UtcDateTime,
                };
                db.Add(row);
                try { await db.SaveChangesAsync(ct); }
                catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
                {
                    // Another server created it first.
                    row = await db.Set<ReferralProgram>().AsNoTracking().FirstAsync(p => p.Id == 1, ct);
                }
            }
            if (Interlocked.Read(ref _version) == version) _current = row;
            return row;
        }
        finally { _loading.Release(); }
    }

    /// <summary>After the program row changed (call after commit).</summary>
    public void Invalidate() => _signals.Publish(Topic, "");

    public void Dispose() => _loading.Dispose();

    public static IReadOnlyList<(int Count, long Credits)> ParseMilestones(string? text)
    {
        var list = new List<(int, long)>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split(':', StringSplitOptions.TrimEntries);
            if (pair.Length == 2 && int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                && long.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c >= 0)
            {
                list.Add((n, c));
            }
            else
            {
                return [];
            }
        }
        return list.OrderBy(m => m.Item1).ToList();
    }
}

/// <summary>IP addresses become an HMAC under a salt derived from the program secret and the UTC day, so hashes cannot be joined
/// across days.</summary>
public sealed class IpHasher(ProgramStore program, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, byte[]> _salts = new(StringComparer.Ordinal);

    public async ValueTask<string?> HashAsync(System.Net.IPAddress? ip, CancellationToken ct = default)
    {
        if (ip is null) return null;
        var p = await program.GetAsync(ct);
        var day = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (_salts.Count > 4) _salts.Clear();
        var salt = _salts.GetOrAdd(day, d => HMACSHA256.HashData(Encoding.UTF8.GetBytes(p.IpSecret), Encoding.UTF8.GetBytes("ip-salt:" + d)));
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(ip.ToString()), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}

/// <summary>What the redirect needs to know about a code, held in memory.</summary>
public sealed record CodeInfo(long Id, string Code, string? OwnerId, CodeKind Kind, bool Disabled, DateTime? ExpiresAt, int? UsageLimit,
    int UsedCount, string? CampaignTag)
{
    public string? Unusable(DateTime now) =>
        Disabled ? "disabled"
        : ExpiresAt is { } e && e <= now ? "expired"
        : UsageLimit is { } limit && UsedCount >= limit ? "exhausted"
        : null;
}

/// <summary>Code lookups for the hot path. Entries are dropped on every server whenever a code changes (<see cref="ICacheSignals"/>).</summary>
public sealed class CodeDirectory
{
    private const string Topic = "referral-code";
    private const int MaxEntries = 200_000;
    private readonly ConcurrentDictionary<string, CodeInfo?> _cache = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory scopes;
    private readonly ICacheSignals _signals;
    private long _version; // a lookup that began before a change must not cache what it read

    public CodeDirectory(IServiceScopeFactory scopes, ICacheSignals signals)
    {
        this.scopes = scopes;
        _signals = signals;
        signals.Subscribe(Topic, code =>
        {
            Interlocked.Increment(ref _version);
            if (code == CacheSignalTopics.Everything) _cache.Clear();
            else _cache.TryRemove(code, out _);
        });
    }

    public async ValueTask<CodeInfo?> FindAsync(string? code, CancellationToken ct = default)
    {
        var key = Codes.Normalise(code);
        if (key.Length is 0 or > 64) return null;
        if (CommunityMetrics.Cache("referral-code", _cache.TryGetValue(key, out var hit))) return hit;
        var version = Interlocked.Read(ref _version);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var info = await db.Set<ReferralCode>().AsNoTracking().Where(c => c.Code == key)
            .Select(c => new CodeInfo(c.Id, c.Code, c.OwnerId, c.Kind, c.Disabled, c.ExpiresAt, c.UsageLimit, c.UsedCount, c.CampaignTag))
            .FirstOrDefaultAsync(ct);
        // Unknown codes are remembered too (bounded), so a flood of bad links costs no queries.
        if (_cache.Count >= MaxEntries) _cache.Clear();
        if (Interlocked.Read(ref _version) == version) _cache[key] = info;
        return info;
    }

    /// <summary>After a code changed (call after commit; a removed entry is only reloaded, so calling early costs nothing).</summary>
    public void Invalidate(string code) => _signals.Publish(Topic, Codes.Normalise(code));
}
