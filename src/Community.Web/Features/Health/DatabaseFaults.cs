using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Community.Web.Features.Health;

/// <summary>
/// What the server does when the database cannot be reached: at start it says so in one line and exits (an operator's problem,
/// not a crash); while running, a request that needed the database answers 503 with Retry-After instead of a 500, so clients
/// and load balancers retry. Nothing acknowledged is lost: a 503 is not an acknowledgement, and a write is answered 2xx only
/// after its transaction committed.
/// </summary>
public static partial class DatabaseFaults
{
    /// <summary>The process exit code when the database is unreachable at start (3 is the demo guard's).</summary>
    public const int ExitCode = 4;

    /// <summary>Seconds a client should wait before retrying while the database is away.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>True when <paramref name="exception"/> (or one inside it) means the database could not be reached or went away, as
    /// opposed to a query the database refused (a constraint, a syntax error): those stay errors of their own.</summary>
    public static bool IsUnreachable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    // Class 08 connection exceptions, 57P01-03 shutdowns, 53 insufficient resources (too many connections).
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("53", StringComparison.Ordinal);
                case NpgsqlException: // a broken connection, refused connect or timeout (the cause is inside)
                    return true;
            }
        }
        return false;
    }

    /// <summary>Applies migrations; null when done, otherwise the one line to print when the database cannot be reached.</summary>
    public static async Task<string?> MigrateOrExplainAsync(IServiceProvider services)
    {
        try
        {
            await DatabaseSetup.MigrateAsync(services);
            return null;
        }
        catch (Exception ex) when (IsUnreachable(ex) && services.GetRequiredService<DatabaseOptions>().IsPostgres)
        {
            var options = services.GetRequiredService<DatabaseOptions>();
            var where = "the configured server";
            try
            {
                var cs = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                where = $"{cs.Host}:{cs.Port}";
            }
            catch (ArgumentException) { /* an unreadable connection string fails before this, but be safe */ }
            var reason = Innermost(ex).Message.ReplaceLineEndings(" ");
            return $"Community cannot start: the PostgreSQL database at {where} is unreachable ({reason}). "
                + "Check Database:ConnectionString and that PostgreSQL is running.";
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }

    /// <summary>Idle pooled connections opened before an outage are dead too, and each would fail one more request when the
    /// database is back: drop them, so recovery is at once. Only this process's pools (EF's and the live bus's data source).</summary>
    public static void ForgetPooledConnections(IServiceProvider services)
    {
        NpgsqlConnection.ClearAllPools();
        services.GetService<NpgsqlDataSource>()?.Clear();
    }

    public static IServiceCollection AddDatabaseFaults(this IServiceCollection services) =>
        services.AddExceptionHandler<UnreachableHandler>();

    /// <summary>Answers 503 ProblemDetails with Retry-After for requests that failed because the database is away.</summary>
    private sealed partial class UnreachableHandler(IProblemDetailsService problems, ILogger<UnreachableHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (!IsUnreachable(exception)) return false;
            ForgetPooledConnections(httpContext.RequestServices);
            LogUnreachable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.Message);
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails =
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Service unavailable",
                    Detail = $"The database is unreachable right now. Try again in {RetryAfterSeconds} seconds.",
                    Extensions = { [Problems.RetryAfterSeconds] = RetryAfterSeconds },
                },
            });
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Database unreachable during {Method} {Path}: {Reason}")]
        private static partial void LogUnreachable(ILogger logger, string method, string path, string reason);
    }
}
