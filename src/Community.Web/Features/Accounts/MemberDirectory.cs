using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts;

/// <summary>What other features may know about a member. They read members through this, never the Identity table,
/// so Accounts can change how members are stored (and what is private) in one place.</summary>
public sealed record MemberCard(string Id, string UserName, string DisplayName, string? AvatarUrl, string? Email,
    bool EmailConfirmed, DateTime JoinedAt)
{
    /// <summary>The product's id for this member (webhook payloads carry it), when the product told us.</summary>
    public string? ExternalId { get; init; }
}

/// <summary>The customer segment a member belongs to in the product: plan and account id (either may be unknown).</summary>
public sealed record MemberSegment(string? Plan, string? AccountId)
{
    /// <summary>The product account's display name, when the product sent one (filled by <see cref="IMemberDirectory.SegmentsOfAsync"/>).</summary>
    public string? AccountName { get; init; }
}

/// <summary>Claim types that carry the member's product segment in the sign-in cookie, so per-request checks read no table.
/// They are refreshed whenever the cookie is rebuilt (sign-in, and Identity's periodic security-stamp check).</summary>
public static class ProductClaims
{
    public const string Plan = "community:plan";
    public const string AccountId = "community:account";

    /// <summary>The segment a principal's cookie claims (empty values read as unknown).</summary>
    public static MemberSegment SegmentOf(System.Security.Claims.ClaimsPrincipal? user) =>
        new(user?.FindFirst(Plan)?.Value is { Length: > 0 } plan ? plan : null,
            user?.FindFirst(AccountId)?.Value is { Length: > 0 } account ? account : null);
}

/// <summary>The cache-signal topic (see <c>ICacheSignals</c>) announcing that a member's card (name, handle, picture) changed,
/// keyed by member id: features that cache how members appear drop their copy on every server.</summary>
public static class MemberCardSignals
{
    public const string Topic = "member-card";
}

public interface IMemberDirectory
{
    Task<MemberCard?> FindAsync(string memberId, CancellationToken ct);

    /// <summary>The members among <paramref name="memberIds"/> that exist, by id.</summary>
    Task<IReadOnlyDictionary<string, MemberCard>> FindManyAsync(IEnumerable<string> memberIds, CancellationToken ct);

    /// <summary>The id behind a public handle (case-insensitive), or null.</summary>
    Task<string?> FindIdByHandleAsync(string handle, CancellationToken ct);

    /// <summary>The id of the member the product knows by <paramref name="externalId"/> (its user id), or null.</summary>
    Task<string?> FindIdByExternalIdAsync(string externalId, CancellationToken ct);

    /// <summary>The members behind public handles (case-insensitive); unknown handles are left out.</summary>
    Task<IReadOnlyList<MemberCard>> FindByHandlesAsync(IEnumerable<string> userNames, CancellationToken ct);

    /// <summary>The role names of each of <paramref name="memberIds"/>; a member without roles has no entry.</summary>
    Task<ILookup<string, string>> RolesOfAsync(IEnumerable<string> memberIds, CancellationToken ct);

    /// <summary>The id of the member the product knows as <paramref name="externalId"/>, or null (unknown or deactivated).</summary>
    Task<string?> FindActiveIdByExternalIdAsync(string externalId, CancellationToken ct);
    /// <summary>The product segment of each of <paramref name="memberIds"/> that exists.</summary>
    Task<IReadOnlyDictionary<string, MemberSegment>> SegmentsOfAsync(IEnumerable<string> memberIds, CancellationToken ct);
    /// <summary>The members holding <paramref name="role"/> (admins to notify, say).</summary>
    Task<IReadOnlyList<MemberCard>> InRoleAsync(string role, CancellationToken ct);
}

internal sealed class MemberDirectory(CommunityDb db) : IMemberDirectory
{
    public Task<MemberCard?> FindAsync(string memberId, CancellationToken ct) =>
        Cards(db.Users.AsNoTracking().Where(u => u.Id == memberId)).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyDictionary<string, MemberCard>> FindManyAsync(IEnumerable<string> memberIds, CancellationToken ct)
    {
        var ids = memberIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return new Dictionary<string, MemberCard>(StringComparer.Ordinal);
        return await Cards(db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))).ToDictionaryAsync(c => c.Id, StringComparer.Ordinal, ct);
    }

    public Task<string?> FindIdByHandleAsync(string handle, CancellationToken ct)
    {
        var normalized = handle.Trim().ToUpperInvariant();
        return db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized).Select(u => u.Id).FirstOrDefaultAsync(ct);
    }

    public Task<string?> FindIdByExternalIdAsync(string externalId, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.ExternalId == externalId).Select(u => u.Id).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<MemberCard>> FindByHandlesAsync(IEnumerable<string> userNames, CancellationToken ct)
    {
        var normalized = userNames.Select(h => h.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToArray();
        if (normalized.Length == 0) return [];
        return await Cards(db.Users.AsNoTracking().Where(u => normalized.Contains(u.NormalizedUserName!))).ToListAsync(ct);
    }

    public async Task<ILookup<string, string>> RolesOfAsync(IEnumerable<string> memberIds, CancellationToken ct)
    {
        var ids = memberIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return Array.Empty<(string, string)>().ToLookup(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
        var rows = await (from ur in db.UserRoles
                          join r in db.Roles on ur.RoleId equals r.Id
                          where ids.Contains(ur.UserId)
                          select new { ur.UserId, r.Name }).ToListAsync(ct);
        return rows.ToLookup(x => x.UserId, x => x.Name!, StringComparer.Ordinal);
    }

    public Task<string?> FindActiveIdByExternalIdAsync(string externalId, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.ExternalId == externalId && u.DeactivatedAt == null).Select(u => u.Id).FirstOrDefaultAsync(ct);
    public async Task<IReadOnlyDictionary<string, MemberSegment>> SegmentsOfAsync(IEnumerable<string> memberIds, CancellationToken ct)
    {
        var ids = memberIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return new Dictionary<string, MemberSegment>(StringComparer.Ordinal);
        return await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.Plan, u.AccountId, u.AccountName })
            .ToDictionaryAsync(u => u.Id, u => new MemberSegment(u.Plan, u.AccountId) { AccountName = u.AccountName }, StringComparer.Ordinal, ct);
    }
    public async Task<IReadOnlyList<MemberCard>> InRoleAsync(string role, CancellationToken ct) =>
        await Cards(from u in db.Users.AsNoTracking()
                    join ur in db.UserRoles on u.Id equals ur.UserId
                    join r in db.Roles on ur.RoleId equals r.Id
                    where r.Name == role
                    select u).ToListAsync(ct);

    private static IQueryable<MemberCard> Cards(IQueryable<Member> members) =>
        members.Select(u => new MemberCard(u.Id, u.UserName!, u.DisplayName, u.AvatarUrl, u.Email, u.EmailConfirmed, u.JoinedAt)
            { ExternalId = u.ExternalId });
}
