using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Mail;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>
/// What a failed attempt leads to. Retries back off exponentially: 8 attempts spread over about 24 hours (30 s, 2 min, 10 min,
/// 1 h, 3 h, 8 h, 12 h between them), then the delivery is failed and kept for an admin to redeliver. An endpoint that has failed
/// without a single success for 24 hours is disabled and every admin is mailed; its deliveries wait, pending, until it is enabled.
/// </summary>
public static class WebhookRetries
{
    public const int MaxAttempts = 8;
    public static readonly TimeSpan DisableAfter = TimeSpan.FromHours(24);

    private static readonly TimeSpan[] Delays =
    [
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1),
        TimeSpan.FromHours(3), TimeSpan.FromHours(8), TimeSpan.FromHours(12),
    ];

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt.</summary>
    public static TimeSpan DelayAfter(int attempts) => Delays[Math.Clamp(attempts, 1, Delays.Length) - 1];

    /// <summary>Applies one attempt's result to the delivery and its endpoint. True when the endpoint was just disabled.</summary>
    public static bool Record(WebhookDelivery delivery, WebhookEndpoint endpoint, AttemptResult result, DateTime now)
    {
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        delivery.StatusCode = result.StatusCode;
        delivery.LatencyMs = result.LatencyMs;
        delivery.ResponseExcerpt = result.Excerpt;
        delivery.LeaseToken = null;
        delivery.LeaseUntil = null;
        if (result.Success)
        {
            delivery.State = DeliveryStates.Delivered;
            endpoint.FailingSince = null;
            return false;
        }
        if (delivery.Attempts >= MaxAttempts) delivery.State = DeliveryStates.Failed;
        else delivery.NextAttemptAt = now + DelayAfter(delivery.Attempts);
        endpoint.FailingSince ??= now;
        if (!endpoint.Enabled || now - endpoint.FailingSince < DisableAfter) return false;
        endpoint.Enabled = false;
        endpoint.DisabledReason = $"Every delivery failed for 24 hours (last: {(result.StatusCode?.ToString(
            System.Globalization.CultureInfo.InvariantCulture) ?? result.Excerpt)}).";
        if (endpoint.DisabledReason.Length > 300) endpoint.DisabledReason = endpoint.DisabledReason[..300];
        return true;
    }
}

/// <summary>Tells every admin that an endpoint was disabled, in the same transaction as the change.</summary>
public sealed class WebhookAlerts(IMemberDirectory members, EmailOutbox outbox, SiteOptions site, PublicUrls urls)
{
    public async Task EndpointDisabledAsync(WebhookEndpoint endpoint, CancellationToken ct)
    {
        foreach (var admin in await members.InRoleAsync(Roles.Admin, ct))
        {
            if (string.IsNullOrEmpty(admin.Email)) continue;
            outbox.Enqueue(admin.Email, $"{site.Name}: webhook endpoint disabled",
                $"""
                Hi {admin.DisplayName},

                The webhook endpoint {endpoint.Url} ({endpoint.Description}) failed every delivery for 24 hours, so it was disabled.
                Its undelivered events are kept and are sent once you enable it again:

                {urls.Absolute("/admin/integrations")}
                """);
        }
    }
}
