using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record FunnelRow(string Campaign, long Clicks, int Signups, int Conversions);

/// <summary>GET /api/admin/referrals/funnel: clicks, confirmed sign-ups and conversions per campaign tag (all advocates as one).</summary>
internal static class CampaignFunnel
{
    public static void Map(RouteGroupBuilder admin) => admin.MapGet("/funnel", Handle);

    private static async Task<Ok<List<FunnelRow>>> Handle(DateTime? from, DateTime? to, CommunityDb db, TimeProvider clock, CancellationToken ct)
    {
        var end = (to ?? clock.GetUtcNow().UtcDateTime).ToUniversalTime();
        var start = (from ?? end.AddDays(-30)).ToUniversalTime();
        var tags = await db.Set<ReferralCode>().AsNoTracking()
            .Select(c => new { c.Id, Tag = c.Kind == CodeKind.Campaign ? c.CampaignTag : "advocates" })
            .ToDictionaryAsync(c => c.Id, c => c.Tag ?? "untagged", ct);
        var clicks = await db.Set<ReferralClick>().Where(c => c.At >= start && c.At < end).GroupBy(c => c.CodeId)
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var referrals = await db.Set<Referral>().Where(r => !r.IsTest && r.CreatedAt >= start && r.CreatedAt < end).GroupBy(r => r.CodeId)
            .Select(g => new { g.Key, Signups = g.Count(r => r.ConfirmedAt != null), Conversions = g.Count(r => r.ConvertedAt != null) })
            .ToListAsync(ct);
        var rows = tags.Values.Distinct(StringComparer.Ordinal).Select(tag => new FunnelRow(tag,
                clicks.Where(c => tags[c.Key] == tag).Sum(c => c.Count),
                referrals.Where(r => tags[r.Key] == tag).Sum(r => r.Signups),
                referrals.Where(r => tags[r.Key] == tag).Sum(r => r.Conversions)))
            .OrderByDescending(r => r.Signups).ThenBy(r => r.Campaign, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(rows);
    }
}
