using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Infrastructure.Live;

public static class LiveSetup
{
    /// <summary><c>Live:Bus</c>: <c>InProcess</c> (one server), <c>Postgres</c> (several servers sharing one database) or
    /// <c>Redis</c> (SignalR's Redis backplane at <c>Live:Redis</c>); defaults to Postgres whenever the database is PostgreSQL.</summary>
    public static IServiceCollection AddLive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSignalR(o =>
        {
            o.MaximumReceiveMessageSize = 8 * 1024; // clients only send small presence/typing calls
            o.EnableDetailedErrors = false;
            o.AddFilter<LiveConnectionsFilter>(); // first, so later filters and hub methods find the connection
        });
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<LiveConnectionsFilter>();
        services.AddSingleton<ServerSignals>();
        // Replaces SignalR's default lifetime manager: sends never wait on a slow connection (see LiveFanout).
        services.AddSingleton(configuration.GetSection(LiveDeliveryOptions.Section).Get<LiveDeliveryOptions>() ?? new LiveDeliveryOptions());
        services.AddSingleton<LiveFanout>();
        services.AddSingleton<Microsoft.AspNetCore.SignalR.HubLifetimeManager<LiveHub>>(sp => sp.GetRequiredService<LiveFanout>());
        services.AddSingleton<LiveShutdown>();
        services.AddSingleton<LiveMemoryRelease>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveMemoryRelease>());
        var database = configuration.GetSection(Data.DatabaseOptions.Section).Get<Data.DatabaseOptions>() ?? new Data.DatabaseOptions();
        AddCacheSignals(services, database);
        var bus = configuration["Live:Bus"] ?? (database.IsPostgres ? "Postgres" : "InProcess");
        if (bus.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (!database.IsPostgres) throw new InvalidOperationException("Live:Bus=Postgres needs Database:Provider=Postgres.");
            services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(Data.DatabaseSetup.NormalisePostgres(database.ConnectionString)));
            services.AddSingleton<ILiveBus, PostgresLiveBus>();
            services.AddHostedService<PostgresLiveListener>();
        }
        else if (bus.Equals("Redis", StringComparison.OrdinalIgnoreCase))
        {
            var redis = configuration["Live:Redis"];
            if (string.IsNullOrWhiteSpace(redis)) throw new InvalidOperationException("Live:Bus=Redis needs Live:Redis (host:port).");
            RedisLiveBus.Add(services, redis, database);
        }
        else
        {
            services.AddSingleton<ILiveBus, InProcessLiveBus>();
        }
        return services;
    }

    /// <summary>Per-server caches hear about changes made on other servers whenever the database can be shared (PostgreSQL).</summary>
    private static void AddCacheSignals(IServiceCollection services, Data.DatabaseOptions database)
    {
        if (!database.IsPostgres)
        {
            services.AddSingleton<ICacheSignals, InProcessCacheSignals>();
            return;
        }
        services.AddSingleton(new DatabaseConnection(Data.DatabaseSetup.NormalisePostgres(database.ConnectionString)));
        services.AddSingleton<PostgresCacheSignals>();
        services.AddSingleton<ICacheSignals>(sp => sp.GetRequiredService<PostgresCacheSignals>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresCacheSignals>());
    }

    /// <summary>Serves <typeparamref name="THub"/> (a feature's hub methods on top of <see cref="LiveHub"/>) at the one hub address,
    /// on the same connections, groups and fan-out. One feature hub per site.</summary>
    public static IServiceCollection AddLiveHub<THub>(this IServiceCollection services) where THub : LiveHub
    {
        if (services.Any(d => d.ServiceType == typeof(LiveHubRoute))) throw new InvalidOperationException("A live hub is registered already.");
        services.AddSingleton<HubLifetimeManager<THub>>(sp => new SharedLiveLifetime<THub>(sp.GetRequiredService<HubLifetimeManager<LiveHub>>()));
        services.AddSingleton(new LiveHubRoute(app => app.MapHub<THub>(LiveHub.Path)));
        return services;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        var hub = app.ServiceProvider.GetService<LiveHubRoute>() is { } route ? route.Map(app) : app.MapHub<LiveHub>(LiveHub.Path);
        // Negotiate and connect alike: a stopping server takes no new connections (see LiveShutdown).
        hub.Add(endpoint => endpoint.RequestDelegate = LiveShutdown.RefuseWhileStopping(endpoint.RequestDelegate!));
        return app;
    }
}
