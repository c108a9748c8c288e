using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>
/// One round of sending: claim a batch of due deliveries with a lease written to the database (a row claimed by another server is
/// skipped; a lease left by a crashed server runs out and the row is claimed again), send them concurrently, then record each
/// result. At least once: a delivery stays pending until a 2xx answer is recorded.
/// </summary>
public sealed class WebhookDeliveryPass(
    IServiceScopeFactory scopes, WebhookSender sender, WebhookSecrets secrets, WebhookOptions options, TimeProvider clock)
{
    /// <summary>Sends one batch; returns how many deliveries it attempted.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var claimed = await ClaimAsync(db, ct);
        if (claimed.Count == 0) return 0;

        var eventIds = claimed.Select(d => d.EventId).Distinct().ToList();
        var endpointIds = claimed.Select(d => d.EndpointId).Distinct().ToList();
        var events = await db.Set<WebhookEvent>().AsNoTracking().Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        var endpoints = await db.Set<WebhookEndpoint>().Where(ep => endpointIds.Contains(ep.Id)).ToDictionaryAsync(ep => ep.Id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var signing = endpoints.Values.ToDictionary(ep => ep.Id, ep => secrets.TrySigning(ep, now));

        var results = new AttemptResult[claimed.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, claimed.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency), CancellationToken = ct },
            async (i, token) =>
            {
                var d = claimed[i];
                results[i] = signing[d.EndpointId] is { } keys
                    ? await sender.SendAsync(endpoints[d.EndpointId].Url, events[d.EventId], keys, now, token)
                    : new AttemptResult(false, null, 0, WebhookSecrets.Unreadable);
            });

        var done = clock.GetUtcNow().UtcDateTime;
        var disabled = new List<WebhookEndpoint>();
        await using var tx = await db.BeginWriteAsync(ct);
        for (var i = 0; i < claimed.Count; i++)
        {
            var endpoint = endpoints[claimed[i].EndpointId];
            if (WebhookRetries.Record(claimed[i], endpoint, results[i], done)) disabled.Add(endpoint);
        }
        var alerts = scope.ServiceProvider.GetRequiredService<WebhookAlerts>();
        foreach (var endpoint in disabled) await alerts.EndpointDisabledAsync(endpoint, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (disabled.Count > 0) scope.ServiceProvider.GetRequiredService<WebhookSubscriptions>().Changed();
        return claimed.Count;
    }

    /// <summary>Claims up to a batch of due deliveries. On SQLite the look and the claim share one write transaction, so loops in
    /// this process never pick the same rows; elsewhere the UPDATE's own conditions keep a row from being claimed twice.</summary>
    private async Task<List<WebhookDelivery>> ClaimAsync(CommunityDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var token = Guid.NewGuid().ToString("N");
        var until = now.AddSeconds(Math.Max(options.TimeoutSeconds * 2, options.LeaseSeconds));
        List<string> ids;
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            ids = await db.Set<WebhookDelivery>().AsNoTracking()
                .Where(d => d.State == DeliveryStates.Pending && d.NextAttemptAt <= now && (d.LeaseUntil == null || d.LeaseUntil < now)
                    && db.Set<WebhookEndpoint>().Any(ep => ep.Id == d.EndpointId && ep.Enabled))
                .OrderBy(d => d.NextAttemptAt).Take(Math.Max(1, options.BatchSize)).Select(d => d.Id).ToListAsync(ct);
            if (ids.Count == 0) return [];
            await db.Set<WebhookDelivery>()
                .Where(d => ids.Contains(d.Id) && d.State == DeliveryStates.Pending && (d.LeaseUntil == null || d.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseToken, token).SetProperty(d => d.LeaseUntil, until), ct);
            await tx.CommitAsync(ct);
        }
        return await db.Set<WebhookDelivery>().Where(d => ids.Contains(d.Id) && d.LeaseToken == token).ToListAsync(ct);
    }
}
