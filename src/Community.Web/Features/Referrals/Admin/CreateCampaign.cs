using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record CampaignRequest(string? Code, string? CampaignTag, int? UsageLimit, DateTime? ExpiresAt, long? RewardOverride);

/// <summary>POST /api/admin/referrals/campaigns: a new campaign invite code.</summary>
internal static class CreateCampaign
{
    public static void Map(RouteGroupBuilder admin) => admin.MapPost("/campaigns", Handle);

    private static FieldErrors Validate(CampaignRequest request, string code, DateTime now)
    {
        var errors = new FieldErrors();
        if (!Codes.IsCampaignShape(code)) errors.Add("code", "Use 3–32 letters, digits and single hyphens, e.g. LAUNCH2026.");
        errors.Text("campaignTag", request.CampaignTag, 1, 64, "Campaign tag");
        if (request.UsageLimit is < 1 or > 1_000_000) errors.Add("usageLimit", "Usage limit must be between 1 and 1,000,000 (or empty for none).");
        if (request.ExpiresAt is { } e && e <= now) errors.Add("expiresAt", "The expiry must be in the future.");
        if (request.RewardOverride is < 0 or > 100_000_000) errors.Add("rewardOverride", "Reward must be between 0 and 100,000,000 credits.");
        return errors;
    }

    private static async Task<Results<Created<CampaignView>, ValidationProblem, ProblemHttpResult>> Handle(CampaignRequest request, CommunityDb db,
        CodeDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var code = Codes.Normalise(request.Code);
        var errors = Validate(request, code, clock.GetUtcNow().UtcDateTime);
        if (errors.Any) return errors.ToProblem();
        var campaign = new ReferralCode
        {
            Code = code, Kind = CodeKind.Campaign, CampaignTag = request.CampaignTag!.Trim(), UsageLimit = request.UsageLimit,
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(), RewardOverride = request.RewardOverride, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(campaign);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Problems.Conflict("That code is already in use.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["code"] = ["That code is already in use."] } });
        }
        directory.Invalidate(code);
        return TypedResults.Created($"/api/admin/referrals/campaigns/{campaign.Id}", ListCampaigns.View(campaign));
    }
}
