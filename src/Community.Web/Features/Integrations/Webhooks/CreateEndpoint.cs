using System.Security.Cryptography;
using Community.Web.Data;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>POST /api/admin/integrations/webhooks: registers an endpoint and shows its signing secret, once.</summary>
internal static class CreateEndpoint
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/", Handle);

    private static async Task<Results<Created<WebhookSecretShown>, ValidationProblem>> Handle(WebhookEndpointInput input, CommunityDb db,
        WebhookTargets targets, WebhookSecrets secrets, WebhookSubscriptions subscriptions, TimeProvider clock, CancellationToken ct)
    {
        var errors = await input.ValidateAsync(targets, ct);
        if (errors.Any) return errors.ToProblem();
        var secret = WebhookSigning.NewSecret();
        var endpoint = new WebhookEndpoint
        {
            Id = "ep_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            ProtectedSecret = secrets.Protect(secret),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        input.ApplyTo(endpoint);
        db.Add(endpoint);
        await db.SaveChangesAsync(ct);
        subscriptions.Changed();
        return TypedResults.Created($"/api/admin/integrations/webhooks/{endpoint.Id}",
            new WebhookSecretShown(endpoint.AsView(), secret, "Copy the signing secret now: it is not shown again."));
    }
}
