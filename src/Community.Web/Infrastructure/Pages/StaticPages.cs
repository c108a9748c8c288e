using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Community.Web.Infrastructure.Pages;

/// <summary>
/// Serves the hand-written pages in wwwroot/pages under clean URLs. Each page file starts with a comment
/// header (<c>title:</c>, <c>script:</c>, <c>description:</c>) followed by the body HTML. The rendered page is
/// cached with a strong ETag; the data on it comes from /api through the page's ES module.
/// </summary>
public static class StaticPages
{
    private static readonly ConcurrentDictionary<string, (string Html, string ETag)> Cache = new(StringComparer.Ordinal);

    /// <summary>Maps <paramref name="route"/> to wwwroot/pages/<paramref name="file"/>.</summary>
    public static RouteHandlerBuilder MapPage(this IEndpointRouteBuilder app, string route, string file) =>
        app.MapGet(route, (HttpContext http, PageLayout layout, IWebHostEnvironment env) =>
        {
            var (html, etag) = env.IsDevelopment() ? Render(layout, env, file) : Cache.GetOrAdd(file, f => Render(layout, env, f));
            return HtmlResult(http, html, etag);
        }).ExcludeFromDescription();

    /// <summary>The rendered HTML of wwwroot/pages/<paramref name="file"/>, cached outside Development.</summary>
    public static string RenderFile(PageLayout layout, IWebHostEnvironment env, string file) =>
        (env.IsDevelopment() ? Render(layout, env, file) : Cache.GetOrAdd(file, f => Render(layout, env, f))).Item1;

    /// <summary>Writes server-built HTML with an ETag so repeat visits revalidate cheaply.</summary>
    public static IResult HtmlResult(HttpContext http, string html, string? etag = null)
    {
        etag ??= ETagFor(html);
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = etag;
        if (http.Request.Headers.IfNoneMatch.Contains(etag)) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    public static string ETagFor(string html) =>
        "\"" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(html)).AsSpan(0, 12)) + "\"";

    private static (string, string) Render(PageLayout layout, IWebHostEnvironment env, string file)
    {
        var text = File.ReadAllText(Path.Combine(env.WebRootPath, "pages", file));
        var page = Parse(text, Path.GetFileNameWithoutExtension(file));
        var html = layout.RenderPageFile(page);
        return (html, ETagFor(html));
    }

    internal static Page Parse(string text, string name)
    {
        string title = name, description = "";
        var scripts = new List<string>();
        var body = text;
        if (text.StartsWith("<!--", StringComparison.Ordinal))
        {
            var end = text.IndexOf("-->", StringComparison.Ordinal);
            foreach (var line in text[4..end].Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0) continue;
                var (key, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
                switch (key)
                {
                    case "title": title = value; break;
                    case "description": description = value; break;
                    case "script": scripts.Add(value); break;
                }
            }
            body = text[(end + 3)..];
        }
        return new Page { Title = title, Description = description, Body = body, Scripts = scripts, Name = name };
    }
}
