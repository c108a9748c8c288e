using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Home;

/// <summary>The account and landing pages: static HTML shells whose ES modules talk to /api.</summary>
internal static class HomePages
{
    public static IEndpointRouteBuilder MapHomePages(this IEndpointRouteBuilder app)
    {
        app.MapPage("/", "home.html");
        app.MapPage("/signup", "signup.html");
        app.MapPage("/signin", "signin.html");
        app.MapPage("/forgot-password", "forgot-password.html");
        app.MapPage("/reset-password", "reset-password.html");
        app.MapPage("/confirm-email", "confirm-email.html");
        app.MapPage("/settings", "settings.html");
        app.MapPage("/u/{userName}", "profile.html");
        app.MapPage("/admin", "admin.html");
        return app;
    }
}
