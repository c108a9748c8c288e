using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>GET /api/admin/integrations/webhooks/{id}/deliveries: the endpoint's latest 100 deliveries, newest first, with their last
/// attempt (status, latency, the start of the answer); POST …/deliveries/{deliveryId}/redeliver sends one again now.</summary>
internal static class DeliveryLog
{
    public const int PageSize = 100;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/{id}/deliveries", List);
        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", Redeliver);
    }

    private static async Task<Results<Ok<List<WebhookDeliveryView>>, ProblemHttpResult>> List(string id, CommunityDb db, CancellationToken ct)
    {
        if (!await db.Set<WebhookEndpoint>().AnyAsync(e => e.Id == id, ct)) return Problems.NotFound("No such webhook endpoint.");
        var rows = await (from d in db.Set<WebhookDelivery>().AsNoTracking()
                          join e in db.Set<WebhookEvent>() on d.EventId equals e.Id
                          where d.EndpointId == id
                          orderby d.CreatedAt descending, d.Id descending
                          select new WebhookDeliveryView(d.Id, d.EventId, e.Type, d.State, d.Attempts, d.CreatedAt, d.LastAttemptAt,
                              d.NextAttemptAt, d.StatusCode, d.LatencyMs, d.ResponseExcerpt))
            .Take(PageSize).ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    /// <summary>Puts the delivery back in the queue, due now, with the same webhook-id. Its attempt count goes on (the log shows every
    /// try); a redelivered delivery that fails once more is failed again rather than starting a new 24-hour schedule.</summary>
    private static async Task<Results<Accepted, ProblemHttpResult>> Redeliver(string id, string deliveryId, CommunityDb db, WebhookSignal signal,
        TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var updated = await db.Set<WebhookDelivery>().Where(d => d.Id == deliveryId && d.EndpointId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryStates.Pending).SetProperty(d => d.NextAttemptAt, now), ct);
        if (updated == 0) return Problems.NotFound("No such delivery for this endpoint.");
        signal.Pulse();
        return TypedResults.Accepted($"/api/admin/integrations/webhooks/{id}/deliveries");
    }
}
