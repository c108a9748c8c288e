using System.Diagnostics;
using System.Security.Claims;

namespace Community.Web.Infrastructure;

/// <summary>One structured line per request: method, path (never the query string, which can hold tokens), status, time, member id.</summary>
public static partial class RequestLog
{
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Community.RequestLog");
        return app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Information)) { await next(context); return; }
            var start = Stopwatch.GetTimestamp();
            try { await next(context); }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                var member = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
                LogRequest(logger, context.Request.Method, context.Request.Path.Value ?? "/", context.Response.StatusCode, elapsed, member);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} {Status} in {ElapsedMs:0.0} ms (member {MemberId})")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double elapsedMs, string? memberId);
}
