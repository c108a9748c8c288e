using System.Security.Cryptography;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Webhooks;

public sealed record TestEventSent(string EventId, string DeliveryId);

/// <summary>POST /api/admin/integrations/webhooks/{id}/test: a <c>webhook.test</c> event for this endpoint alone (whatever it
/// subscribes to, enabled or not is up to the admin: a disabled endpoint's test waits like its other deliveries).</summary>
internal static class SendTestEvent
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/{id}/test", Handle);

    private static async Task<Results<Accepted<TestEventSent>, ProblemHttpResult>> Handle(string id, CommunityDb db, WebhookSignal signal,
        TimeProvider clock, CancellationToken ct)
    {
        var endpoint = await db.Set<WebhookEndpoint>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null) return Problems.NotFound("No such webhook endpoint.");
        var now = clock.GetUtcNow().UtcDateTime;
        // Written as already fanned out, with its one delivery: the test goes to this endpoint only.
        var e = new WebhookEvent
        {
            Id = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Type = WebhookTypes.Test,
            Data = System.Text.Json.JsonSerializer.Serialize(new { endpointId = endpoint.Id, message = "A test event from Community." },
                System.Text.Json.JsonSerializerOptions.Web),
            CreatedAt = now,
            FannedOutAt = now,
        };
        var delivery = WebhookFanout.NewDelivery(e.Id, endpoint.Id, now);
        await using var tx = await db.BeginWriteAsync(ct);
        db.Add(e);
        db.Add(delivery);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        signal.Pulse();
        return TypedResults.Accepted($"/api/admin/integrations/webhooks/{id}/deliveries", new TestEventSent(e.Id, delivery.Id));
    }
}
