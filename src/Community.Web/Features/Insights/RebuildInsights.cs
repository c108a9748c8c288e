using Community.Web.Features.Accounts;
using Community.Web.Features.Insights.Rollups;

namespace Community.Web.Features.Insights;

public sealed record RebuildResultDto(int Days);

/// <summary>POST /api/admin/insights/rebuild: recomputes every roll-up day from the raw tables (after an import, or to check).</summary>
internal static class RebuildInsights
{
    public static void Map(RouteGroupBuilder api) => api.MapPost("/rebuild", async (InsightRollups rollups, IHostApplicationLifetime life) =>
        // Not the request's token: a proxy giving up on a long rebuild should not leave it half done (each day is whole either way).
        TypedResults.Ok(new RebuildResultDto(await rollups.RebuildAsync(life.ApplicationStopping))))
        .RequireAuthorization(Policies.Administer); // minutes of work on a big community: admins only
}
