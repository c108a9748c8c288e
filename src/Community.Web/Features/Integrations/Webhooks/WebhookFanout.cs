using System.Security.Cryptography;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>
/// Turns outbox events into one delivery per subscribed, enabled endpoint (private events only to endpoints that opted in).
/// An event is marked fanned out in the same transaction as its deliveries are written, and only if no other server marked it
/// first, so each event is fanned out exactly once.
/// </summary>
public static class WebhookFanout
{
    public const int BatchSize = 500;

    /// <summary>Fans out the oldest waiting events; returns how many were handled (0: nothing waiting, or another server won).</summary>
    public static async Task<int> RunAsync(CommunityDb db, DateTime now, CancellationToken ct)
    {
        var events = await db.Set<WebhookEvent>().AsNoTracking().Where(e => e.FannedOutAt == null)
            .OrderBy(e => e.CreatedAt).Take(BatchSize).ToListAsync(ct);
        if (events.Count == 0) return 0;
        var ids = events.Select(e => e.Id).ToList();
        await using var tx = await db.BeginWriteAsync(ct);
        var marked = await db.Set<WebhookEvent>().Where(e => ids.Contains(e.Id) && e.FannedOutAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.FannedOutAt, now), ct);
        if (marked != ids.Count) return 0; // another server fanned out some of them meanwhile: roll back, read again
        var endpoints = await db.Set<WebhookEndpoint>().AsNoTracking().Where(ep => ep.Enabled).ToListAsync(ct);
        foreach (var e in events)
            foreach (var endpoint in endpoints.Where(ep => ep.Wants(e)))
                db.Add(NewDelivery(e.Id, endpoint.Id, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return events.Count;
    }

    public static WebhookDelivery NewDelivery(string eventId, string endpointId, DateTime now) => new()
    {
        Id = "dlv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
        EventId = eventId,
        EndpointId = endpointId,
        NextAttemptAt = now,
        CreatedAt = now,
    };
}
