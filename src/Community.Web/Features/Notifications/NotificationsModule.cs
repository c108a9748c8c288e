using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Notifications;

/// <summary>Email notifications: preferences per topic, immediate emails, daily and weekly digests, one-click unsubscribe.</summary>
public static class NotificationsModule
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(NotificationOptions.Section).Get<NotificationOptions>() ?? new NotificationOptions());
        services.AddSingleton<UnsubscribeTokens>();
        services.AddSingleton<NotificationEmails>();
        services.AddSingleton<INotificationMail, NotificationMail>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor, NotificationMailInterceptor>();
        services.AddSingleton<DigestRun>();
        services.AddHostedService<DigestService>();
        services.AddScoped<Accounts.IMemberDataSection, NotificationMemberData>();
        return services;
    }

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api").WithTags("Notifications").RequireAuthorization();
        NotificationPreferencesEndpoint.Map(members);
        Unsubscribe.Map(app);
        app.MapPage("/settings/notifications", "notification-settings.html");
        return app;
    }
}
