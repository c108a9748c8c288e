using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Health;

internal static class HealthEndpoints
{
    public sealed record Health(string Status, string Database, string Provider);

    /// <summary>GET /healthz: 200 when the database answers, 503 otherwise. Cheap enough for a load balancer to poll.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (CommunityDb db, DatabaseOptions options, IServiceProvider services, CancellationToken ct) =>
        {
            var provider = options.IsPostgres ? "postgres" : "sqlite";
            try
            {
                // A query, not a statement: a health probe must not queue behind writers for the SQLite write gate.
                await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").ToListAsync(ct);
                return Results.Ok(new Health("healthy", "reachable", provider));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (DatabaseFaults.IsUnreachable(ex)) DatabaseFaults.ForgetPooledConnections(services);
                return Results.Json(new Health("unhealthy", "unreachable", provider), statusCode: 503);
            }
        }).WithTags("Health").DisableRateLimiting();
        return app;
    }
}
