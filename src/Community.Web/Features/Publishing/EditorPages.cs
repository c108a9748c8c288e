using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Publishing;

/// <summary>The editor's page shell. Only publishers get it: visitors are sent to sign in, members get a plain 403 page.</summary>
internal static class EditorPages
{
    public static void MapEditorPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/publishing", (Delegate)Editor).ExcludeFromDescription();
        app.MapGet("/publishing/{*rest}", (Delegate)Editor).ExcludeFromDescription();
    }

    private static Task<IResult> Editor(HttpContext http) => StaffPages.ServeAsync(http, Policies.Publish, "publishing.html", "publishing",
        "Publishers only", "<section class=\"card narrow\"><h1>Publishers only</h1><p>The story editor is for the marketing team. "
            + "Ask an administrator if you need access.</p><p><a href=\"/spotlights\">Read customer stories</a></p></section>");
}
