using System.Diagnostics;

namespace Community.Web.Features.Recognition;

public sealed record RecomputeResult(int LevelsChanged, long Milliseconds);

/// <summary>POST /api/admin/trust/recompute: recomputes every member's trust level now (as the daily pass does), e.g. after changing
/// the thresholds; answers how many levels changed and how long it took. Idempotent, like the pass.</summary>
public static class RecomputeTrust
{
    public static void Map(RouteGroupBuilder admins) =>
        admins.MapPost("/trust/recompute", async (TrustRecompute trust, CancellationToken ct) =>
        {
            var watch = Stopwatch.StartNew();
            var changed = await trust.RecomputeAsync(null, ct);
            return TypedResults.Ok(new RecomputeResult(changed, watch.ElapsedMilliseconds));
        });
}
