using System.Security.Claims;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>What the advocate use cases share: who is asking, and their personal code.</summary>
internal static class Advocates
{
    internal static string MemberId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;

    /// <summary>The member's personal code, created on first use (retrying on the rare collision).</summary>
    internal static async Task<ReferralCode> PersonalCodeAsync(CommunityDb db, string memberId, TimeProvider clock, CancellationToken ct)
    {
        var codes = await db.Set<ReferralCode>().Where(c => c.OwnerId == memberId).OrderBy(c => c.Kind).ToListAsync(ct);
        if (codes.Count > 0) return codes.FirstOrDefault(c => c.Kind == CodeKind.Vanity && !c.Disabled) ?? codes[0];
        for (var attempt = 0; ; attempt++)
        {
            var code = new ReferralCode
            {
                Code = Codes.Generate(), OwnerId = memberId, Kind = CodeKind.Personal, CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            db.Add(code);
            try { await db.SaveChangesAsync(ct); return code; }
            catch (DbUpdateException ex) when (attempt < 5 && DbErrors.IsUniqueViolation(ex))
            {
                db.Entry(code).State = EntityState.Detached;
                var existing = await db.Set<ReferralCode>().FirstOrDefaultAsync(c => c.OwnerId == memberId, ct);
                if (existing is not null) return existing;
            }
        }
    }

    /// <summary>The link to share for a code.</summary>
    internal static string Link(string baseUrl, string code) => $"{baseUrl}/r/{code}";
}
