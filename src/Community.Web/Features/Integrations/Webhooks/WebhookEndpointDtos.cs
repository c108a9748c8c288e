using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>An endpoint as admins see it: never its secret.</summary>
public sealed record WebhookEndpointView(string Id, string Url, string Description, IReadOnlyList<string> EventTypes, bool IncludePrivate,
    bool Enabled, DateTime CreatedAt, DateTime? FailingSince, string? DisabledReason, DateTime? PreviousSecretExpiresAt);

public sealed record WebhookEndpointList(IReadOnlyList<string> EventTypes, IReadOnlyList<WebhookEndpointView> Endpoints);

/// <summary>The answer to a create or a rotation: the only time the secret is shown.</summary>
public sealed record WebhookSecretShown(WebhookEndpointView Endpoint, string Secret, string Note);

/// <summary>What an admin enters for an endpoint (create and edit).</summary>
public sealed record WebhookEndpointInput(string? Url, string? Description, IReadOnlyList<string>? EventTypes, bool IncludePrivate = false,
    bool Enabled = true)
{
    /// <summary>Validates every field, the target's address included (so an SSRF attempt is a field error on <c>url</c>).</summary>
    public async Task<FieldErrors> ValidateAsync(WebhookTargets targets, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (errors.Text("url", Url, 1, 2000, "URL") && await targets.RefusalAsync(Url!.Trim(), ct) is { } refusal) errors.Add("url", refusal);
        errors.Text("description", Description, 0, 200, "Description");
        if (EventTypes is not { Count: > 0 } types) errors.Add("eventTypes", "Choose at least one event type.");
        else if (types.Any(t => !WebhookTypes.All.Contains(t, StringComparer.Ordinal)))
            errors.Add("eventTypes", "Choose event types from: " + string.Join(", ", WebhookTypes.All) + ".");
        return errors;
    }

    public void ApplyTo(WebhookEndpoint endpoint)
    {
        endpoint.Url = Url!.Trim();
        endpoint.Description = Description?.Trim() ?? "";
        endpoint.EventTypes = string.Join(' ', EventTypes!.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        endpoint.IncludePrivate = IncludePrivate;
        if (Enabled && !endpoint.Enabled) endpoint.FailingSince = null; // a fresh start: 24 h of failures from now
        if (Enabled) endpoint.DisabledReason = null;
        endpoint.Enabled = Enabled;
    }
}

/// <summary>One delivery in an endpoint's log.</summary>
public sealed record WebhookDeliveryView(string Id, string EventId, string EventType, string State, int Attempts, DateTime CreatedAt,
    DateTime? LastAttemptAt, DateTime NextAttemptAt, int? StatusCode, int? LatencyMs, string? ResponseExcerpt);

internal static class WebhookEndpointViews
{
    public static WebhookEndpointView AsView(this WebhookEndpoint e) => new(e.Id, e.Url, e.Description, e.Types, e.IncludePrivate,
        e.Enabled, e.CreatedAt, e.FailingSince, e.DisabledReason, e.PreviousSecretExpiresAt);
}
