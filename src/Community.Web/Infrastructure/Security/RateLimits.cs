using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Community.Web.Infrastructure.Security;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sign-in, registration and password-reset requests per client address per window.</summary>
    public int AuthPerWindow { get; set; } = 10;
    public int AuthWindowSeconds { get; set; } = 60;
    /// <summary>Outgoing emails a member may trigger (invites, resends) per hour.</summary>
    public int EmailPerHour { get; set; } = 10;
    /// <summary>Searches per client (member, or address when anonymous) per window: one client cannot keep a core busy.</summary>
    public int SearchPerWindow { get; set; } = 30;
    public int SearchWindowSeconds { get; set; } = 30;
}

public static class RateLimits
{
    public const string Auth = "auth";
    public const string Email = "email";
    public const string Search = "search";

    public static IServiceCollection AddCommunityRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(options);
        services.AddSingleton<RateCounters>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (ctx, ct) =>
            {
                var seconds = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? (int)Math.Ceiling(retry.TotalSeconds) : 60;
                ctx.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem($"Too many attempts. Try again in {seconds} seconds.", statusCode: 429, title: "Too many requests",
                    extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds }).ExecuteAsync(ctx.HttpContext);
            };
            limiter.AddPolicy(Auth, http => RateLimitPartition.GetFixedWindowLimiter(
                ClientKey(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.AuthPerWindow,
                    Window = TimeSpan.FromSeconds(options.AuthWindowSeconds),
                    QueueLimit = 0,
                }));
            limiter.AddPolicy(Email, http => RateLimitPartition.GetFixedWindowLimiter(
                UserKey(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.EmailPerHour,
                    Window = TimeSpan.FromHours(1),
                    QueueLimit = 0,
                }));
            limiter.AddPolicy(Search, http => RateLimitPartition.GetFixedWindowLimiter(
                UserKey(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.SearchPerWindow,
                    Window = TimeSpan.FromSeconds(options.SearchWindowSeconds),
                    QueueLimit = 0,
                }));
        });
        return services;
    }

    /// <summary>
    /// On PostgreSQL (several servers) also counts the <see cref="Auth"/> and <see cref="Email"/> policies in the database, after the
    /// in-process limiter: a client that spreads its attempts over N servers gets one allowance, not N. The same 429 answer.
    /// On SQLite (one server) the in-process limiter is the whole story and this adds nothing to the pipeline.
    /// </summary>
    public static IApplicationBuilder UseSharedRateLimits(this IApplicationBuilder app)
    {
        if (!app.ApplicationServices.GetRequiredService<Data.DatabaseOptions>().IsPostgres) return app;
        var options = app.ApplicationServices.GetRequiredService<RateLimitOptions>();
        var counters = app.ApplicationServices.GetRequiredService<RateCounters>();
        return app.Use(async (http, next) =>
        {
            var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
            var (key, limit, window) = policy switch
            {
                Auth => ("auth:" + ClientKey(http), options.AuthPerWindow, TimeSpan.FromSeconds(Math.Max(1, options.AuthWindowSeconds))),
                Email => ("email:" + UserKey(http), options.EmailPerHour, TimeSpan.FromHours(1)),
                _ => (null, 0, TimeSpan.Zero),
            };
            if (key is not null && http.GetEndpoint()?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is null
                && await counters.HitAsync(key, limit, window, http.RequestAborted) is { } wait)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem($"Too many attempts. Try again in {seconds} seconds.", statusCode: 429, title: "Too many requests",
                    extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds }).ExecuteAsync(http);
                return;
            }
            await next(http);
        });
    }

    /// <summary>The client address (after forwarded-header processing when enabled).</summary>
    public static string ClientKey(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "local";

    /// <summary>The signed-in member, or the client address for anonymous callers.</summary>
    public static string UserKey(HttpContext http) =>
        http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? "u:" + id : "ip:" + ClientKey(http);
}
