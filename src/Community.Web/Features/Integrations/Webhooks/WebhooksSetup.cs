using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>Webhooks out: services, the dispatcher, the admin API at /api/admin/integrations/webhooks and the page.</summary>
public static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
        services.AddSingleton(options);
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookSubscriptions>();
        services.AddSingleton<WebhookEventSignal>();
        services.AddSingleton<WebhookTargets>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDeliveryPass>();
        services.AddScoped<WebhookAlerts>();
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/integrations/webhooks").WithTags("Integrations admin").RequireAuthorization(Policies.Administer);
        ListEndpoints.Map(group);
        CreateEndpoint.Map(group);
        EditEndpoint.Map(group);
        DeleteEndpoint.Map(group);
        RotateSecret.Map(group);
        SendTestEvent.Map(group);
        DeliveryLog.Map(group);
        app.MapPage("/admin/integrations", "admin-integrations.html");
        return app;
    }
}
