using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Caching.Memory;

namespace Community.Web.Features.Accounts;

/// <summary>A signed-out session: its cookie (and every copy of it) is refused until it would have expired anyway.</summary>
public sealed class RevokedSession
{
    public string SessionId { get; set; } = "";
    public string MemberId { get; set; } = "";
    public DateTime ExpiresAt { get; set; }
}

internal sealed class RevokedSessionConfiguration : IEntityTypeConfiguration<RevokedSession>
{
    public void Configure(EntityTypeBuilder<RevokedSession> builder)
    {
        builder.ToTable("RevokedSessions");
        builder.HasKey(r => r.SessionId);
        builder.Property(r => r.SessionId).HasMaxLength(64);
        builder.Property(r => r.MemberId).HasMaxLength(450);
        builder.HasIndex(r => new { r.MemberId, r.ExpiresAt });
    }
}

/// <summary>What every request of a member is checked against: the current session version, roles and signed-out sessions.</summary>
public sealed record MemberSession(int Version, IReadOnlySet<string> Roles, IReadOnlySet<string> Revoked)
{
    /// <summary>The member's product segment now; a cookie that carries another is re-issued with this one.</summary>
    public MemberSegment Segment { get; init; } = new(null, null);

    /// <summary>The member no longer exists: no session of theirs is valid.</summary>
    public static readonly MemberSession Gone = new(int.MinValue, new HashSet<string>(), new HashSet<string>());

    /// <summary>A session may continue when it carries the current version and was not signed out.</summary>
    public bool Allows(string? sessionId, int version) =>
        !ReferenceEquals(this, Gone) && version == Version && sessionId is not null && !Revoked.Contains(sessionId);
}

/// <summary>
/// The sessions' state of each member, held in memory so a request costs a dictionary lookup, not a query. It is
/// loaded on first use and dropped when a change is announced (on every server, through the live bus); a load that
/// raced with a change is not kept, so a stale entry can never outlive the announcement.
/// </summary>
public sealed class SessionDirectory(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 200_000 });
    private long _changes;

    public async ValueTask<MemberSession> GetAsync(string memberId, CancellationToken ct = default)
    {
        if (_cache.TryGetValue(memberId, out MemberSession? hit)) return hit!;
        var before = Interlocked.Read(ref _changes);
        var loaded = await LoadAsync(memberId, ct);
        if (Interlocked.Read(ref _changes) == before)
            _cache.Set(memberId, loaded, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(30) });
        return loaded;
    }

    /// <summary>Drops what this server knows of the member; the next request loads it again.</summary>
    public void Forget(string memberId)
    {
        Interlocked.Increment(ref _changes);
        _cache.Remove(memberId);
    }

    private async Task<MemberSession> LoadAsync(string memberId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var member = await db.Users.AsNoTracking().Where(u => u.Id == memberId && u.DeactivatedAt == null)
            .Select(u => new { u.SessionVersion, u.Plan, u.AccountId }).FirstOrDefaultAsync(ct);
        if (member is null) return MemberSession.Gone; // gone or deactivated: no session of theirs is valid
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == memberId select r.Name!)
            .ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var revoked = await db.Set<RevokedSession>().AsNoTracking().Where(r => r.MemberId == memberId && r.ExpiresAt > now)
            .Select(r => r.SessionId).ToListAsync(ct);
        return new MemberSession(member.SessionVersion, roles.ToHashSet(StringComparer.Ordinal), revoked.ToHashSet(StringComparer.Ordinal))
        {
            // Empty reads as unknown, as in the cookie's claims (see ProductClaims.SegmentOf), so the two compare equal.
            Segment = new MemberSegment(member.Plan is { Length: > 0 } ? member.Plan : null,
                member.AccountId is { Length: > 0 } ? member.AccountId : null),
        };
    }

    public void Dispose() => _cache.Dispose();
}
