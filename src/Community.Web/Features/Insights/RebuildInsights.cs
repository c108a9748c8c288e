using Community.Web.Features.Accounts;
using Community.Web.Features.Insights.Rollups;

namespace Community.Web.Features.Insights;

public sealed record RebuildResultDto(int Days);

/// <summary>POST /api/admin/insights/rebuild: recomputes every roll-up day from the raw tables (after an import, or to check).</summary>
internal static class RebuildInsights
{
    public static void Map(RouteGroupBuilder api) => api.MapPost("/rebuild", async (InsightRollups rollups, CancellationToken ct) =>
        TypedResults.Ok(new RebuildResultDto(await rollups.RebuildAsync(ct))))
        .RequireAuthorization(Policies.Administer); // minutes of work on a big community: admins only
}
