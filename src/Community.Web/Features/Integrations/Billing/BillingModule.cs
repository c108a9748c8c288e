using Community.Web.Features.Accounts;

namespace Community.Web.Features.Integrations.Billing;

/// <summary>The webhook signing secrets, from <c>Billing:Stripe:WebhookSecret</c> and <c>Billing:Paddle:WebhookSecret</c>.
/// A provider without a secret is not connected: its endpoint answers 404.</summary>
public sealed record BillingOptions(string? StripeSecret, string? PaddleSecret)
{
    /// <summary>Both providers sign a timestamp; older deliveries are refused as replays.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Provider events are small; anything larger is not one of theirs.</summary>
    public const int MaxBodyBytes = 256 * 1024;
}

/// <summary>Billing events in: Stripe and Paddle webhooks feed the referral ledger.</summary>
public static class BillingModule
{
    public static IServiceCollection AddBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new BillingOptions(
            configuration["Billing:Stripe:WebhookSecret"] is { Length: > 0 } stripe ? stripe : null,
            configuration["Billing:Paddle:WebhookSecret"] is { Length: > 0 } paddle ? paddle : null));
        services.AddSingleton<BillingSignatureFailures>();
        services.AddScoped<BillingMatcher>();
        services.AddScoped<ApplyBillingEvent>();
        services.AddScoped<WriteBillingEvent>();
        return services;
    }

    public static IEndpointRouteBuilder MapBilling(this IEndpointRouteBuilder app)
    {
        ReceiveStripeEvent.Map(app);
        ReceivePaddleEvent.Map(app);
        ListBillingEvents.Map(app.MapGroup("/api/admin/integrations").WithTags("Integrations admin").RequireAuthorization(Policies.Administer));
        // Its section of /admin/integrations is mapped with the page by the webhooks feature.
        return app;
    }
}
