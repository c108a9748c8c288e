using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record TopAdvocate(int Rank, string DisplayName, string? UserName, int Signups, int Conversions, long Credits);

/// <summary>GET /api/admin/referrals/top: the 25 advocates with most conversions, opted out or not (staff see everyone).</summary>
internal static class TopAdvocates
{
    public static void Map(RouteGroupBuilder admin) => admin.MapGet("/top", Handle);

    private static async Task<Ok<List<TopAdvocate>>> Handle(CommunityDb db, IMemberDirectory members, CancellationToken ct)
    {
        var board = await db.Set<Referral>().AsNoTracking().Where(r => r.AdvocateId != null && !r.IsTest && r.Decision == ReferralDecision.Allow)
            .GroupBy(r => r.AdvocateId!)
            .Select(g => new { Id = g.Key, Signups = g.Count(r => r.ConfirmedAt != null), Conversions = g.Count(r => r.ConvertedAt != null) })
            .OrderByDescending(g => g.Conversions).ThenByDescending(g => g.Signups).Take(25).ToListAsync(ct);
        var ids = board.Select(b => b.Id).ToList();
        var people = await members.FindManyAsync(ids, ct);
        var credits = await db.Set<LedgerEntry>()
            .Where(e => ids.Contains(e.MemberId) && (e.Kind == LedgerKind.Grant || e.Kind == LedgerKind.Reversal))
            .GroupBy(e => e.MemberId).Select(g => new { g.Key, Sum = g.Sum(e => e.Amount) }).ToDictionaryAsync(g => g.Key, g => g.Sum, ct);
        return TypedResults.Ok(board.Select((b, i) => new TopAdvocate(i + 1, people.GetValueOrDefault(b.Id)?.DisplayName ?? "Former member",
            people.GetValueOrDefault(b.Id)?.UserName, b.Signups, b.Conversions, credits.GetValueOrDefault(b.Id))).ToList());
    }
}
