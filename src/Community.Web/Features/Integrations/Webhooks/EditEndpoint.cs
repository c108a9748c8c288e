using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>PUT /api/admin/integrations/webhooks/{id} (every field), POST …/{id}/enable and …/{id}/disable.</summary>
internal static class EditEndpoint
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPut("/{id}", Edit);
        group.MapPost("/{id}/enable", (string id, CommunityDb db, WebhookSignal signal, WebhookSubscriptions subscriptions,
            CancellationToken ct) => SetEnabled(id, true, db, signal, subscriptions, ct));
        group.MapPost("/{id}/disable", (string id, CommunityDb db, WebhookSignal signal, WebhookSubscriptions subscriptions,
            CancellationToken ct) => SetEnabled(id, false, db, signal, subscriptions, ct));
    }

    private static async Task<Results<Ok<WebhookEndpointView>, ValidationProblem, ProblemHttpResult>> Edit(string id, WebhookEndpointInput input,
        CommunityDb db, WebhookTargets targets, WebhookSignal signal, WebhookSubscriptions subscriptions, CancellationToken ct)
    {
        var endpoint = await db.Set<WebhookEndpoint>().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null) return Problems.NotFound("No such webhook endpoint.");
        var errors = await input.ValidateAsync(targets, ct);
        if (errors.Any) return errors.ToProblem();
        input.ApplyTo(endpoint);
        await db.SaveChangesAsync(ct);
        subscriptions.Changed();
        signal.Pulse(); // re-enabled: its waiting deliveries go now
        return TypedResults.Ok(endpoint.AsView());
    }

    private static async Task<Results<Ok<WebhookEndpointView>, ProblemHttpResult>> SetEnabled(string id, bool enabled, CommunityDb db,
        WebhookSignal signal, WebhookSubscriptions subscriptions, CancellationToken ct)
    {
        var endpoint = await db.Set<WebhookEndpoint>().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null) return Problems.NotFound("No such webhook endpoint.");
        if (enabled && !endpoint.Enabled)
        {
            endpoint.FailingSince = null;
            endpoint.DisabledReason = null;
        }
        endpoint.Enabled = enabled;
        await db.SaveChangesAsync(ct);
        subscriptions.Changed();
        signal.Pulse();
        return TypedResults.Ok(endpoint.AsView());
    }
}
