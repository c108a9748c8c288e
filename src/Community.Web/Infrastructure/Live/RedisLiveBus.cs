using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// <c>Live:Bus=Redis</c>: browser messages go through the hub, whose lifetime manager is SignalR's own Redis backplane, so every
/// server's connections in the group receive them. Server signals are not hub messages: on PostgreSQL they still travel by
/// NOTIFY (<see cref="PostgresLiveBus"/>, heard by <see cref="PostgresLiveListener"/>); on SQLite there is one server.
/// </summary>
internal sealed class RedisLiveBus(IHubContext<LiveHub> hub, InProcessLiveBus local, PostgresLiveBus? postgres = null) : ILiveBus
{
    public Task PublishAsync(string group, string method, object payload, CancellationToken ct = default) =>
        group == LiveGroups.Servers
            ? postgres?.PublishAsync(group, method, payload, ct) ?? local.PublishAsync(group, method, payload, ct)
            : hub.Clients.Group(group).SendAsync(method, payload, ct);

    /// <summary>Puts the Redis backplane in place of the hub's lifetime manager (see <see cref="LiveSetup.AddLive"/>).</summary>
    public static void Add(IServiceCollection services, string redis, Data.DatabaseOptions database)
    {
        services.AddSignalR()
            .AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("community"));
        services.AddSingleton<HubLifetimeManager<LiveHub>>(sp => ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<LiveHub>>(sp));
        services.AddSingleton<InProcessLiveBus>();
        if (database.IsPostgres)
        {
            services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(Data.DatabaseSetup.NormalisePostgres(database.ConnectionString)));
            services.AddSingleton<PostgresLiveBus>();
            services.AddHostedService<PostgresLiveListener>();
        }
        services.AddSingleton<ILiveBus, RedisLiveBus>();
    }
}
