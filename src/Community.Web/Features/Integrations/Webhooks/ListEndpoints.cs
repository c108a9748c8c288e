using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>GET /api/admin/integrations/webhooks: every endpoint, and the event types one may subscribe to.</summary>
internal static class ListEndpoints
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/", Handle);

    private static async Task<Ok<WebhookEndpointList>> Handle(CommunityDb db, CancellationToken ct)
    {
        var endpoints = await db.Set<WebhookEndpoint>().AsNoTracking().OrderBy(e => e.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(new WebhookEndpointList(WebhookTypes.All, endpoints.Select(e => e.AsView()).ToList()));
    }
}
