using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record CampaignView(long Id, string Code, string? CampaignTag, int? UsageLimit, int UsedCount, DateTime? ExpiresAt, bool Disabled,
    long? RewardOverride, long Clicks, DateTime CreatedAt);
public sealed record CampaignUse(long ReferralId, DateTime At, string? DisplayName, string? UserName, string? Email, string Decision,
    IReadOnlyList<string> Reasons);

/// <summary>GET /api/admin/referrals/campaigns and …/{id}/uses: the campaign invite codes and who joined with each.</summary>
internal static class ListCampaigns
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/campaigns", List);
        admin.MapGet("/campaigns/{id:long}/uses", Uses);
    }

    internal static CampaignView View(ReferralCode c) => new(c.Id, c.Code.ToUpperInvariant(), c.CampaignTag, c.UsageLimit, c.UsedCount, c.ExpiresAt,
        c.Disabled, c.RewardOverride, c.ClickCount, c.CreatedAt);

    private static async Task<Ok<List<CampaignView>>> List(CommunityDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.Set<ReferralCode>().AsNoTracking().Where(c => c.Kind == CodeKind.Campaign).OrderByDescending(c => c.Id)
            .ToListAsync(ct)).Select(View).ToList());

    private static async Task<Ok<List<CampaignUse>>> Uses(long id, CommunityDb db, IMemberDirectory members, CancellationToken ct)
    {
        var rows = await db.Set<Referral>().AsNoTracking().Where(r => r.CodeId == id).OrderByDescending(r => r.Id).Take(500).ToListAsync(ct);
        var cards = await members.FindManyAsync(rows.Where(r => r.ReferredMemberId is not null).Select(r => r.ReferredMemberId!), ct);
        return TypedResults.Ok(rows.Select(r =>
        {
            var member = r.ReferredMemberId is { } memberId ? cards.GetValueOrDefault(memberId) : null;
            return new CampaignUse(r.Id, r.CreatedAt, member?.DisplayName, member?.UserName, member?.Email ?? r.CustomerEmail,
                r.Decision.ToString().ToLowerInvariant(), r.ReasonList());
        }).ToList());
    }
}
