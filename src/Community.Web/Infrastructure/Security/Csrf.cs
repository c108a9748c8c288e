using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Antiforgery;

namespace Community.Web.Infrastructure.Security;

/// <summary>Marks an endpoint that authenticates by signature rather than cookie, so it needs no antiforgery token.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class SkipCsrfAttribute : Attribute;

/// <summary>
/// Every state-changing /api request must carry the antiforgery token in the <c>X-CSRF-TOKEN</c> header.
/// A cross-site form cannot set that header, so a forged post is refused even though the cookie rides along.
/// </summary>
public static class Csrf
{
    public const string HeaderName = "X-CSRF-TOKEN";

    public static IServiceCollection AddCommunityCsrf(this IServiceCollection services) => services.AddAntiforgery(o =>
    {
        o.HeaderName = HeaderName;
        o.Cookie.Name = "community.csrf";
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.HttpOnly = true;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    });

    public static IApplicationBuilder UseCsrfProtection(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.IsApi() && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !HttpMethods.IsOptions(context.Request.Method)
            && context.GetEndpoint()?.Metadata.GetMetadata<SkipCsrfAttribute>() is null)
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await Results.Problem(
                    "This request is missing a valid anti-forgery token. Reload the page and try again.",
                    statusCode: 403, title: "Cross-site request refused",
                    type: "https://community.local/problems/csrf").ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    });

    /// <summary>GET /api/antiforgery: issues a token (and its cookie) for the current user.</summary>
    public static IEndpointRouteBuilder MapCsrfToken(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(new CsrfToken(tokens.RequestToken!, HeaderName));
        }).WithTags("Security").ExcludeFromDescription();
        return app;
    }

    public sealed record CsrfToken(string Token, string HeaderName);
}
