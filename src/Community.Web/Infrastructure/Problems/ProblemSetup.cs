using System.Text.Json;
using Community.Web.Infrastructure.Pages;
using Microsoft.AspNetCore.Diagnostics;


namespace Community.Web.Infrastructure.Problems;

public static partial class ProblemSetup
{
    public static IServiceCollection AddCommunityProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
            if (ctx.ProblemDetails.Extensions.TryGetValue(Problems.RetryAfterSeconds, out var retry) && retry is int seconds)
                ctx.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        // Minimal APIs then throw BadHttpRequestException for unreadable bodies, which the handler
        // below turns into a clear 400/413 problem instead of an empty response.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    /// <summary>Turns malformed or oversized requests into ProblemDetails; anything else stays a logged 500.</summary>
    private sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> logger)
        : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad) return false;
            var status = bad.StatusCode;
            var detail = status switch
            {
                413 => "The request body is too large.",
                _ when FindJsonError(bad) is { } json => $"The request body is not valid JSON ({json}).",
                _ when bad.Message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase) => "A JSON request body is required.",
                _ when bad.Message.Contains("Content-Type", StringComparison.OrdinalIgnoreCase) => "Send the request body as application/json.",
                _ => "The request could not be read.",
            };
            LogBadRequest(logger, status, bad.Message);
            httpContext.Response.StatusCode = status;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = { Status = status, Title = status == 413 ? "Payload too large" : "Bad request", Detail = detail },
                Exception = exception,
            });
        }

        private static string? FindJsonError(Exception ex)
        {
            for (var e = ex.InnerException; e is not null; e = e.InnerException)
            {
                if (e is JsonException json) return json.Path is { Length: > 1 } path ? $"at {path}" : "syntax";
            }
            return null;
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Bad request: {Status} {Reason}")]
        private static partial void LogBadRequest(ILogger logger, int status, string reason);
    }

    /// <summary>
    /// Gives bare error statuses a body: a ProblemDetails under /api (404 for unknown routes, 405, ...), and the site's
    /// "page not found" page for any other GET that ends in an empty 404, so a mistyped address still offers a way on.
    /// </summary>
    public static IApplicationBuilder UseStatusBodies(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async ctx =>
        {
            var http = ctx.HttpContext;
            if (http.Response.HasStarted) return;
            if (http.IsApi())
            {
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = { Status = http.Response.StatusCode },
                });
            }
            else if (http.Response.StatusCode == 404 && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                && !http.Request.Path.StartsWithSegments("/hubs"))
            {
                var html = StaticPages.RenderFile(http.RequestServices.GetRequiredService<PageLayout>(),
                    http.RequestServices.GetRequiredService<IWebHostEnvironment>(), "not-found.html");
                http.Response.ContentType = "text/html; charset=utf-8";
                http.Response.Headers.CacheControl = "no-cache";
                await http.Response.WriteAsync(html);
            }
        });

    internal static bool IsApi(this HttpContext context) => context.Request.Path.StartsWithSegments("/api");

}
