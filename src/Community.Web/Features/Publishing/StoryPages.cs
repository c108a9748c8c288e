using System.Globalization;
using System.Text;
using System.Xml;
using Community.Web.Data;
using Community.Web.Features.Media;
using Community.Web.Infrastructure.Pages;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Publishing;

internal sealed class StorySitemapSource(StoryCatalog catalog, TimeProvider clock) : ISitemapSource
{
    public async IAsyncEnumerable<SitemapEntry> EntriesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var snapshot = await catalog.GetAsync(ct);
        var visible = snapshot.Visible(clock.GetUtcNow().UtcDateTime).ToList();
        foreach (var kind in new[] { StoryKinds.Spotlight, StoryKinds.CaseStudy })
        {
            yield return new SitemapEntry(StoryKinds.ListPath(kind), visible.Where(s => s.Kind == kind).Select(s => (DateTime?)Latest(s)).Max());
        }
        foreach (var s in visible) yield return new SitemapEntry(s.Path, Latest(s));
    }

    private static DateTime Latest(StoryView s) => s.UpdatedAt > s.Date ? s.UpdatedAt : s.Date;
}

/// <summary>The public side: listings, story pages (rendered once, served from memory), preview links, sitemap, feed, robots.txt.</summary>
internal static class StoryPages
{
    public static void MapStoryPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/spotlights", (HttpContext http, StoryCatalog catalog, StoryRenderer renderer, TimeProvider clock,
            string? industry, string? size, string? area, string? q) =>
            Listing(http, catalog, renderer, clock, StoryKinds.Spotlight, Query(industry, size, area, q))).ExcludeFromDescription();
        app.MapGet("/case-studies", (HttpContext http, StoryCatalog catalog, StoryRenderer renderer, TimeProvider clock,
            string? industry, string? size, string? area, string? q) =>
            Listing(http, catalog, renderer, clock, StoryKinds.CaseStudy, Query(industry, size, area, q))).ExcludeFromDescription();
        app.MapGet("/spotlights/{slug}", (HttpContext http, string slug, StoryCatalog catalog, MediaLibrary media, StoryRenderer renderer,
            TimeProvider clock) => Story(http, StoryKinds.Spotlight, slug, catalog, media, renderer, clock)).ExcludeFromDescription();
        app.MapGet("/case-studies/{slug}", (HttpContext http, string slug, StoryCatalog catalog, MediaLibrary media, StoryRenderer renderer,
            TimeProvider clock) => Story(http, StoryKinds.CaseStudy, slug, catalog, media, renderer, clock)).ExcludeFromDescription();
        app.MapGet("/stories/preview/{token}", Preview).ExcludeFromDescription();
        app.MapGet("/stories/feed.xml", Feed).ExcludeFromDescription();
        app.MapGet("/sitemap.xml", Sitemap).ExcludeFromDescription();
        app.MapGet("/robots.txt", (HttpContext http, StoryRenderer renderer) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(
                "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /publishing\nDisallow: /stories/preview/\nDisallow: /settings\n"
                + $"Disallow: /admin\n\nSitemap: {renderer.BaseUrl}/sitemap.xml\n",
                "text/plain; charset=utf-8");
        }).ExcludeFromDescription();
    }

    private static StoryRenderer.ListingQuery Query(string? industry, string? size, string? area, string? q) =>
        new(Blank(industry), Blank(size), Blank(area), Blank(q));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static async Task<IResult> Listing(
        HttpContext http, StoryCatalog catalog, StoryRenderer renderer, TimeProvider clock, string kind, StoryRenderer.ListingQuery query)
    {
        var snapshot = await catalog.GetAsync(http.RequestAborted);
        // Never waits for libvips: a card whose image is still queued (MediaLibrary.AddLaterAsync) shows without it.
        var html = renderer.Listing(kind, snapshot.Visible(clock.GetUtcNow().UtcDateTime, kind).ToList(), query);
        return StaticPages.HtmlResult(http, html);
    }

    /// <summary>The hot path: a dictionary lookup and a write when the page is cached.</summary>
    private static async Task Story(
        HttpContext http, string kind, string slug, StoryCatalog catalog, MediaLibrary media, StoryRenderer renderer, TimeProvider clock)
    {
        var snapshot = await catalog.GetAsync(http.RequestAborted);
        var baseUrl = renderer.BaseUrl;
        var key = baseUrl + "|" + kind + "/" + slug;
        if (!CommunityMetrics.Cache("story-page", catalog.Pages.TryGetValue(key, out var page)))
        {
            var now = clock.GetUtcNow().UtcDateTime;
            if (!snapshot.BySlug.TryGetValue(slug, out var story) || !story.IsVisible(now))
            {
                if (snapshot.Redirects.TryGetValue(slug, out var moved) && moved.IsVisible(now))
                {
                    http.Response.Redirect(moved.Path, permanent: true);
                    return;
                }
                await NotFound(http, renderer);
                return;
            }
            if (story.Kind != kind)
            {
                http.Response.Redirect(story.Path, permanent: true);
                return;
            }
            // The story's own pictures are worth the wait (processed once, on first view); related cards are not.
            await media.ReadyAsync(story.HeroImage, http.RequestAborted);
            await media.ReadyAsync(story.LogoImage, http.RequestAborted);
            var related = Related(snapshot, story, now).ToList();
            var html = renderer.Page(story, related, baseUrl);
            var bytes = Encoding.UTF8.GetBytes(html);
            page = new RenderedPage(bytes, StaticPages.ETagFor(html), Truncate(story.UpdatedAt > story.Date ? story.UpdatedAt : story.Date));
            // Without a configured public URL the key includes the request's host: bound the cache against made-up hosts.
            // A page drawn without a related card's picture (still queued) is not kept: the next view shows it.
            if (catalog.Pages.Count < 4096 && snapshot.Version == catalog.CurrentVersion && !related.Any(r => media.IsQueued(r.HeroImage)))
            {
                catalog.Pages[key] = page;
            }
        }
        await Write(http, page!);
    }

    private static DateTime Truncate(DateTime t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    private static Task Write(HttpContext http, RenderedPage page)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "public, max-age=0, must-revalidate";
        headers.ETag = page.ETag;
        headers.LastModified = page.LastModified.ToString("R", CultureInfo.InvariantCulture);
        var request = http.Request.Headers;
        if (request.IfNoneMatch.Count > 0 ? request.IfNoneMatch.Contains(page.ETag)
            : DateTime.TryParse(request.IfModifiedSince, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var since) && page.LastModified <= since)
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.ContentLength = page.Utf8.Length;
        return http.Response.Body.WriteAsync(page.Utf8, http.RequestAborted).AsTask();
    }

    private static async Task NotFound(HttpContext http, StoryRenderer renderer)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(renderer.NotFoundPage(), http.RequestAborted);
    }

    internal static IEnumerable<StoryView> Related(CatalogSnapshot snapshot, StoryView story, DateTime now)
    {
        var facets = story.Facets().ToHashSet(StringComparer.Ordinal);
        return snapshot.Visible(now)
            .Where(s => s.Slug != story.Slug)
            .Select(s => (Story: s, Score: s.Facets().Count(facets.Contains) * 2 + (s.Kind == story.Kind ? 1 : 0)))
            .Where(x => x.Score >= 2)
            .OrderByDescending(x => x.Score).ThenByDescending(x => x.Story.Date)
            .Take(3).Select(x => x.Story);
    }

    private static async Task<IResult> Preview(
        HttpContext http, string token, CommunityDb db, StoryCatalog catalog, StoryRenderer renderer, TimeProvider clock)
    {
        if (token.Length < 20) return Results.NotFound();
        var row = await db.Set<Story>().AsNoTracking().FirstOrDefaultAsync(s => s.PreviewToken == token, http.RequestAborted);
        if (row is null) return Results.NotFound();
        var snapshot = await catalog.GetAsync(http.RequestAborted);
        var story = StoryView.From(row);
        string html;
        try
        {
            html = renderer.Page(story, Related(snapshot, story, clock.GetUtcNow().UtcDateTime), renderer.BaseUrl, preview: true);
        }
        catch (StoryMarkdownException e)
        {
            return Results.Problem(e.Message, statusCode: 400, title: "Bad request");
        }
        http.Response.Headers["X-Robots-Tag"] = "noindex";
        http.Response.Headers.CacheControl = "private, no-store";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static async Task<IResult> Feed(
        HttpContext http, StoryCatalog catalog, StoryRenderer renderer, TimeProvider clock, Infrastructure.Pages.SiteOptions site)
    {
        var snapshot = await catalog.GetAsync(http.RequestAborted);
        var stories = snapshot.Visible(clock.GetUtcNow().UtcDateTime).Take(50).ToList();
        var baseUrl = renderer.BaseUrl;
        var sb = new StringBuilder();
        using (var xml = XmlWriter.Create(sb, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 }))
        {
            const string atom = "http://www.w3.org/2005/Atom";
            xml.WriteStartElement("feed", atom);
            xml.WriteElementString("title", atom, site.Name + " customer stories");
            xml.WriteElementString("id", atom, baseUrl + "/stories/feed.xml");
            var updated = stories.Count > 0 ? stories.Max(s => s.UpdatedAt > s.Date ? s.UpdatedAt : s.Date) : DateTime.UnixEpoch;
            xml.WriteElementString("updated", atom, Xml(updated));
            Link(xml, atom, baseUrl + "/stories/feed.xml", "self");
            Link(xml, atom, baseUrl + "/spotlights", "alternate");
            xml.WriteStartElement("author", atom);
            xml.WriteElementString("name", atom, site.Name);
            xml.WriteEndElement();
            foreach (var s in stories)
            {
                xml.WriteStartElement("entry", atom);
                xml.WriteElementString("title", atom, s.Title);
                xml.WriteElementString("id", atom, baseUrl + s.Path);
                Link(xml, atom, baseUrl + s.Path, "alternate");
                xml.WriteElementString("published", atom, Xml(s.Date));
                xml.WriteElementString("updated", atom, Xml(s.UpdatedAt > s.Date ? s.UpdatedAt : s.Date));
                xml.WriteElementString("summary", atom, s.Summary);
                xml.WriteStartElement("category", atom);
                xml.WriteAttributeString("term", s.Kind);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        http.Response.Headers.CacheControl = "public, max-age=300";
        return Utf8Xml(sb, "application/atom+xml; charset=utf-8");
    }

    private static void Link(XmlWriter xml, string ns, string href, string rel)
    {
        xml.WriteStartElement("link", ns);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static string Xml(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<IResult> Sitemap(HttpContext http, IEnumerable<ISitemapSource> sources, StoryRenderer renderer)
    {
        var baseUrl = renderer.BaseUrl;
        var sb = new StringBuilder();
        using (var xml = XmlWriter.Create(sb, new XmlWriterSettings { Indent = true }))
        {
            const string ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
            xml.WriteStartElement("urlset", ns);
            xml.WriteStartElement("url", ns);
            xml.WriteElementString("loc", ns, baseUrl + "/");
            xml.WriteEndElement();
            foreach (var source in sources)
            {
                await foreach (var entry in source.EntriesAsync(http.RequestAborted))
                {
                    xml.WriteStartElement("url", ns);
                    xml.WriteElementString("loc", ns, entry.Loc.StartsWith('/') ? baseUrl + entry.Loc : entry.Loc);
                    if (entry.LastModified is { } at) xml.WriteElementString("lastmod", ns, Xml(at));
                    xml.WriteEndElement();
                }
            }
            xml.WriteEndElement();
        }
        http.Response.Headers.CacheControl = "public, max-age=300";
        return Utf8Xml(sb, "application/xml; charset=utf-8");
    }

    // XmlWriter over a StringBuilder declares UTF-16; the response is UTF-8.
    private static IResult Utf8Xml(StringBuilder sb, string contentType) =>
        Results.Text(sb.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal), contentType);
}
