using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>
/// Deletes events fanned out more than <see cref="WebhookOptions.RetentionDays"/> ago, with their finished deliveries, in
/// small batches so no single write holds the database for long. A delivery still pending (an endpoint retrying) keeps its
/// event. Several servers may run it at once: deleting what another server deleted first does nothing.
/// </summary>
public static class WebhookRetention
{
    public const int BatchSize = 1000;

    /// <summary>Runs at most once an hour per server; returns how many events it deleted.</summary>
    public static async Task<int> RunAsync(CommunityDb db, DateTime now, int retentionDays, CancellationToken ct)
    {
        if (retentionDays <= 0) return 0;
        var cutoff = now.AddDays(-retentionDays);
        var deleted = 0;
        while (true)
        {
            var ids = await db.Set<WebhookEvent>().AsNoTracking()
                .Where(e => e.FannedOutAt != null && e.FannedOutAt < cutoff
                    && !db.Set<WebhookDelivery>().Any(d => d.EventId == e.Id && d.State == DeliveryStates.Pending))
                .OrderBy(e => e.FannedOutAt).Select(e => e.Id).Take(BatchSize).ToListAsync(ct);
            if (ids.Count == 0) return deleted;
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                await db.Set<WebhookDelivery>().Where(d => ids.Contains(d.EventId)).ExecuteDeleteAsync(ct);
                deleted += await db.Set<WebhookEvent>().Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(ct);
                await tx.CommitAsync(ct);
            }
            if (ids.Count < BatchSize) return deleted;
        }
    }
}
