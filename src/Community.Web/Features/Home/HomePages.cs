using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Http.Extensions;

namespace Community.Web.Features.Home;

/// <summary>The account and landing pages: static HTML shells whose ES modules talk to /api.</summary>
internal static class HomePages
{
    public static IEndpointRouteBuilder MapHomePages(this IEndpointRouteBuilder app)
    {
        app.MapPage("/", "home.html");
        app.MapPage("/signup", "signup.html").AddEndpointFilter(DropForeignReturnUrl);
        app.MapPage("/signin", "signin.html").AddEndpointFilter(DropForeignReturnUrl);
        app.MapPage("/forgot-password", "forgot-password.html");
        app.MapPage("/reset-password", "reset-password.html").AddEndpointFilter(DropForeignReturnUrl);
        app.MapPage("/confirm-email", "confirm-email.html").AddEndpointFilter(DropForeignReturnUrl);
        app.MapPage("/settings", "settings.html");
        app.MapPage("/u/{userName}", "profile.html");
        app.MapPage("/admin", "admin.html");
        return app;
    }

    /// <summary>
    /// Pages that accept a return URL check it on the server too: a foreign one is removed by a redirect to the same page,
    /// so the page's script never sees it (the script checks again with the same rules).
    /// </summary>
    private static async ValueTask<object?> DropForeignReturnUrl(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var foreign = request.Query
            .Where(q => q.Key.Equals("returnUrl", StringComparison.OrdinalIgnoreCase) && !q.Value.All(LocalUrls.IsLocal)).ToList();
        if (foreign.Count == 0) return await next(context);
        var kept = new QueryBuilder(request.Query.Where(q => !q.Key.Equals("returnUrl", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))));
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(request.PathBase + request.Path + kept.ToQueryString());
    }
}
