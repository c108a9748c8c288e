using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record CampaignPatch(bool? Disabled, int? UsageLimit, DateTime? ExpiresAt);

/// <summary>PATCH /api/admin/referrals/campaigns/{id}: disable a campaign code, or change its limit or expiry.</summary>
internal static class EditCampaign
{
    public static void Map(RouteGroupBuilder admin) => admin.MapPatch("/campaigns/{id:long}", Handle);

    private static async Task<Results<Ok<CampaignView>, ValidationProblem, ProblemHttpResult>> Handle(long id, CampaignPatch request, CommunityDb db,
        CodeDirectory directory, CancellationToken ct)
    {
        var campaign = await db.Set<ReferralCode>().FirstOrDefaultAsync(c => c.Id == id && c.Kind == CodeKind.Campaign, ct);
        if (campaign is null) return Problems.NotFound("No such campaign code.");
        if (request.UsageLimit is < 1 or > 1_000_000)
            return new FieldErrors().Add("usageLimit", "Usage limit must be between 1 and 1,000,000.").ToProblem();
        if (request.Disabled is { } disabled) campaign.Disabled = disabled;
        if (request.UsageLimit is { } limit) campaign.UsageLimit = limit;
        if (request.ExpiresAt is { } expires) campaign.ExpiresAt = expires.ToUniversalTime();
        await db.SaveChangesAsync(ct);
        directory.Invalidate(campaign.Code);
        return TypedResults.Ok(ListCampaigns.View(campaign));
    }
}
