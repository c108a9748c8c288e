using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>DELETE /api/admin/integrations/webhooks/{id}: the endpoint and its delivery log (the events stay).</summary>
internal static class DeleteEndpoint
{
    public static void Map(RouteGroupBuilder group) => group.MapDelete("/{id}", Handle);

    private static async Task<Results<NoContent, ProblemHttpResult>> Handle(string id, CommunityDb db, WebhookSubscriptions subscriptions,
        CancellationToken ct)
    {
        await using var tx = await db.BeginWriteAsync(ct);
        await db.Set<WebhookDelivery>().Where(d => d.EndpointId == id).ExecuteDeleteAsync(ct);
        var deleted = await db.Set<WebhookEndpoint>().Where(e => e.Id == id).ExecuteDeleteAsync(ct);
        if (deleted == 0) return Problems.NotFound("No such webhook endpoint.");
        await tx.CommitAsync(ct);
        subscriptions.Changed();
        return TypedResults.NoContent();
    }
}
