using Community.Web.Features.Integrations.Webhooks;
using Community.Web.Features.Integrations.Billing;

namespace Community.Web.Features.Integrations;

/// <summary>Webhooks out, billing events in, API docs: the ways other systems meet Community.</summary>
public static class IntegrationsModule
{
    public static IServiceCollection AddIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration;
        services.AddSingleton<IWebhookEvents, WebhookEventRecorder>();
        services.AddWebhooks(configuration);
        services.AddBilling(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapIntegrations(this IEndpointRouteBuilder app)
    {
        app.MapWebhooks();
        app.MapBilling();
        return app;
    }
}
