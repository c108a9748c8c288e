using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>POST /api/admin/integrations/webhooks/{id}/rotate: a new secret, shown once. For 24 hours every delivery is signed with
/// both the new and the old secret (Standard Webhooks allows several signatures), so the receiver can switch at its own pace.</summary>
internal static class RotateSecret
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/{id}/rotate", Handle);

    private static async Task<Results<Ok<WebhookSecretShown>, ProblemHttpResult>> Handle(string id, CommunityDb db, WebhookSecrets secrets,
        TimeProvider clock, CancellationToken ct)
    {
        var endpoint = await db.Set<WebhookEndpoint>().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null) return Problems.NotFound("No such webhook endpoint.");
        var secret = WebhookSigning.NewSecret();
        endpoint.PreviousProtectedSecret = endpoint.ProtectedSecret;
        endpoint.PreviousSecretExpiresAt = clock.GetUtcNow().UtcDateTime + WebhookSecrets.RotationOverlap;
        endpoint.ProtectedSecret = secrets.Protect(secret);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new WebhookSecretShown(endpoint.AsView(), secret,
            "Copy the new signing secret now: it is not shown again. The old one keeps signing for 24 hours."));
    }
}
