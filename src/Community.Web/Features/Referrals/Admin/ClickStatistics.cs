using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>GET /api/admin/referrals/stats: redirects answered against clicks stored, for operators and the benchmark.</summary>
internal static class ClickStatistics
{
    public static void Map(RouteGroupBuilder admin) => admin.MapGet("/stats", Handle);

    private static async Task<Ok<object>> Handle(ClickBuffer clicks, CommunityDb db, CancellationToken ct)
    {
        // Not between a batch's commit and its count: stored and in-database must agree when nothing is moving.
        ClickStats stats;
        long stored;
        await clicks.Storing.WaitAsync(ct);
        try
        {
            stats = clicks.Stats();
            stored = await db.Set<ReferralClick>().LongCountAsync(ct);
        }
        finally { clicks.Storing.Release(); }
        return TypedResults.Ok<object>(new
        {
            stats.Redirects, stats.ClicksEnqueued, stats.ClicksStored, stats.ClicksFailed, stats.ClicksBuffered, ClicksInDatabase = stored,
        });
    }
}
