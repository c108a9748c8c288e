using System.Globalization;
using System.Text;
using Community.Web.Features.Publishing;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Knowledge;

/// <summary>/kb, its sections and published articles in sitemap.xml. Drafts never appear.</summary>
internal sealed class KbSitemapSource(KbCatalog catalog) : ISitemapSource
{
    public async IAsyncEnumerable<SitemapEntry> EntriesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var kb = await catalog.GetAsync(ct);
        yield return new SitemapEntry("/kb", kb.Articles.Select(a => (DateTime?)a.UpdatedAt).Max());
        foreach (var s in kb.Sections.Where(s => kb.In(s).Any()))
        {
            yield return new SitemapEntry("/kb/" + s.Slug, kb.In(s).Max(a => a.UpdatedAt));
        }
        foreach (var a in kb.Articles) yield return new SitemapEntry(a.Path, a.UpdatedAt);
    }
}

/// <summary>The public pages (rendered once, served from memory until the catalog changes) and the staff page shell.</summary>
internal static class KbPages
{
    public static void MapKbPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/kb", (HttpContext http, KbCatalog catalog, KbRenderer renderer) =>
            Cached(http, catalog, renderer, "/kb", kb => renderer.Index(kb))).ExcludeFromDescription();
        app.MapGet("/kb/manage", (Delegate)Manage).ExcludeFromDescription();
        app.MapGet("/kb/{section}", (HttpContext http, string section, KbCatalog catalog, KbRenderer renderer) =>
            Cached(http, catalog, renderer, "/kb/" + section, kb =>
                kb.SectionsBySlug.TryGetValue(section, out var s) ? renderer.Section(kb, s) : null)).ExcludeFromDescription();
        app.MapGet("/kb/{section}/{slug}", Article).ExcludeFromDescription();
        app.MapPage("/search", "search.html");
    }

    private static async Task Cached(HttpContext http, KbCatalog catalog, KbRenderer renderer, string path, Func<KbSnapshot, string?> render)
    {
        var kb = await catalog.GetAsync(http.RequestAborted);
        var key = renderer.BaseUrl + "|" + path;
        if (!CommunityMetrics.Cache("kb-page", catalog.Pages.TryGetValue(key, out var page)))
        {
            var html = render(kb);
            if (html is null)
            {
                await NotFound(http, renderer);
                return;
            }
            page = Keep(catalog, kb, key, html, kb.Articles.Select(a => a.UpdatedAt).DefaultIfEmpty(DateTime.UnixEpoch).Max());
        }
        await Write(http, page!);
    }

    /// <summary>The hot path: a dictionary lookup and a write when the page is cached.</summary>
    private static async Task Article(HttpContext http, string section, string slug, KbCatalog catalog, KbRenderer renderer)
    {
        var kb = await catalog.GetAsync(http.RequestAborted);
        var key = renderer.BaseUrl + "|/kb/" + section + "/" + slug;
        if (!CommunityMetrics.Cache("kb-page", catalog.Pages.TryGetValue(key, out var page)))
        {
            if (!kb.BySlug.TryGetValue(slug, out var article))
            {
                if (kb.Redirects.TryGetValue(slug, out var moved)) http.Response.Redirect(moved.Path, permanent: true);
                else await NotFound(http, renderer);
                return;
            }
            if (article.Section.Slug != section)
            {
                http.Response.Redirect(article.Path, permanent: true);
                return;
            }
            page = Keep(catalog, kb, key, renderer.Article(article), article.UpdatedAt);
        }
        await Write(http, page!);
    }

    private static RenderedPage Keep(KbCatalog catalog, KbSnapshot kb, string key, string html, DateTime modified)
    {
        var page = new RenderedPage(Encoding.UTF8.GetBytes(html), StaticPages.ETagFor(html),
            new DateTime(modified.Ticks - (modified.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc));
        // Without a configured public URL the key includes the request's host: bound the cache against made-up hosts.
        if (catalog.Pages.Count < 8192 && kb.Version == catalog.CurrentVersion) catalog.Pages[key] = page;
        return page;
    }

    private static Task Write(HttpContext http, RenderedPage page)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "public, max-age=0, must-revalidate";
        headers.ETag = page.ETag;
        headers.LastModified = page.LastModified.ToString("R", CultureInfo.InvariantCulture);
        if (http.Request.Headers.IfNoneMatch.Contains(page.ETag))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.ContentLength = page.Utf8.Length;
        return http.Response.Body.WriteAsync(page.Utf8, http.RequestAborted).AsTask();
    }

    private static async Task NotFound(HttpContext http, KbRenderer renderer)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(renderer.NotFoundPage(), http.RequestAborted);
    }

    private static Task<IResult> Manage(HttpContext http) => StaffPages.ServeAsync(http, KnowledgeModule.WritePolicy, "kb-manage.html", "kb",
        "Staff only", "<section class=\"card narrow\"><h1>Staff only</h1><p>Knowledge-base articles are written by staff.</p>"
            + "<p><a href=\"/kb\">Read the knowledge base</a></p></section>");
}
