using Microsoft.AspNetCore.Authorization;

namespace Community.Web.Infrastructure.Pages;

/// <summary>
/// The page shell of a staff tool (the story editor, the knowledge-base desk): visitors are sent to sign in, members without the
/// policy get a plain 403 page saying who the tool is for, and neither answer is cached (the file is the same for everyone, but
/// whether one may see it is not).
/// </summary>
public static class StaffPages
{
    /// <param name="file">The page file under <c>wwwroot/pages</c>.</param>
    /// <param name="name">The navigation entry the page belongs to.</param>
    /// <param name="deniedBody">The 403 page's body: trusted HTML written by the feature, never user text.</param>
    public static async Task<IResult> ServeAsync(HttpContext http, string policy, string file, string name, string deniedTitle,
        string deniedBody)
    {
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return Results.Redirect("/signin?returnUrl=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
        }
        var services = http.RequestServices;
        var layout = services.GetRequiredService<PageLayout>();
        http.Response.Headers.CacheControl = "no-store";
        if (!(await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(http.User, policy)).Succeeded)
        {
            var denied = layout.Render(new Page { Title = deniedTitle, Body = deniedBody, Name = name });
            return Results.Content(denied, "text/html; charset=utf-8", statusCode: 403);
        }
        var env = services.GetRequiredService<IWebHostEnvironment>();
        var text = await File.ReadAllTextAsync(Path.Combine(env.WebRootPath, "pages", file), http.RequestAborted);
        return Results.Content(layout.RenderPageFile(StaticPages.Parse(text, name)), "text/html; charset=utf-8");
    }
}
