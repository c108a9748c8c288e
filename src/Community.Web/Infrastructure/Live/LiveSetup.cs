namespace Community.Web.Infrastructure.Live;

public static class LiveSetup
{
    public static IServiceCollection AddLive(this IServiceCollection services)
    {
        services.AddSignalR(o =>
        {
            o.MaximumReceiveMessageSize = 8 * 1024; // clients only send small presence/typing calls
            o.EnableDetailedErrors = false;
        });
        services.AddSingleton<ILiveBus, InProcessLiveBus>();
        return services;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        app.MapHub<LiveHub>("/hubs/live");
        return app;
    }
}
