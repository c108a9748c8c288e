using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Pages;
using Microsoft.AspNetCore.Authorization;

namespace Community.Web.Features.Publishing;

/// <summary>The editor's page shell. Only publishers get it: visitors are sent to sign in, members get a plain 403 page.</summary>
internal static class EditorPages
{
    public static void MapEditorPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/publishing", Editor).ExcludeFromDescription();
        app.MapGet("/publishing/{*rest}", Editor).ExcludeFromDescription();
    }

    private static async Task<IResult> Editor(HttpContext http, IAuthorizationService auth, PageLayout layout, IWebHostEnvironment env)
    {
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return Results.Redirect("/signin?returnUrl=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
        }
        if (!(await auth.AuthorizeAsync(http.User, Policies.Publish)).Succeeded)
        {
            var denied = layout.Render(new Page
            {
                Title = "Publishers only",
                Body = "<section class=\"card narrow\"><h1>Publishers only</h1><p>The story editor is for the marketing team. "
                    + "Ask an administrator if you need access.</p><p><a href=\"/spotlights\">Read customer stories</a></p></section>",
                Name = "publishing",
            });
            http.Response.Headers.CacheControl = "no-store";
            return Results.Content(denied, "text/html; charset=utf-8", statusCode: 403);
        }
        var text = await File.ReadAllTextAsync(Path.Combine(env.WebRootPath, "pages", "publishing.html"), http.RequestAborted);
        var html = layout.RenderPageFile(StaticPages.Parse(text, "publishing"));
        http.Response.Headers.CacheControl = "no-store";
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
