using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Community.Web.Data;
using Community.Web.Infrastructure.Markdown;
using Community.Web.Infrastructure.Pages;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// Forum pages. The thread page is rendered on the server (title, first post, OpenGraph and canonical tags) so that
/// crawlers, link previews and readers without JavaScript get the content; the page module then loads windows and goes live.
/// </summary>
public sealed class ForumPages(ForumReader reader, PageLayout layout, SiteOptions site, PublicUrls urls, CommunityDb db)
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public async Task<IResult> ThreadAsync(HttpContext http, long id, string? slug, CancellationToken ct)
    {
        var viewer = ForumViewer.From(http.User);
        if (await reader.ThreadAsync(id, viewer, ct) is not { } found) return NotFoundPage(http);
        var baseUrl = urls.Base;
        var page = await reader.CachedAsync(("page", id, reader.Generation(id), baseUrl), async () =>
        {
            var first = await db.Set<ForumPost>().AsNoTracking().Where(p => p.ThreadId == id && p.Seq == 1).Select(p => new { p.Html, p.IsHidden,
                p.IsDeleted }).FirstOrDefaultAsync(ct);
            var (panel, redirect) = found.Category.IsIdeas ? await IdeaPages.PanelAsync(db, reader, found.Thread, ct) : (null, null);
            if (redirect is not null) return new CachedPage("", "", redirect);
            var html = Render(found.Thread, found.Category, first is { IsHidden: false, IsDeleted: false } ? first.Html : "", baseUrl, panel);
            return new CachedPage(html, StaticPages.ETagFor(html), null);
        }, 32 * 1024);
        // A duplicate idea merged into another: its address now belongs to the target.
        if (page!.Redirect is { } target) return Results.Redirect(target, permanent: true);
        return StaticPages.HtmlResult(http, page.Html, page.ETag);
    }

    private sealed record CachedPage(string Html, string ETag, string? Redirect);

    private string Render(ThreadDto t, CategoryInfo category, string firstPostHtml, string baseUrl, string? ideaPanel)
    {
        var canonical = baseUrl + t.Url;
        var description = string.IsNullOrEmpty(t.Summary) ? $"A discussion in {category.Name}" : t.Summary;
        var head = new StringBuilder()
            .Append("<link rel=\"canonical\" href=\"").Append(Html.Encode(canonical)).Append("\">\n")
            .Append("<meta property=\"og:type\" content=\"article\">\n")
            .Append("<meta property=\"og:site_name\" content=\"").Append(Html.Encode(site.Name)).Append("\">\n")
            .Append("<meta property=\"og:title\" content=\"").Append(Html.Encode(t.Title)).Append("\">\n")
            .Append("<meta property=\"og:description\" content=\"").Append(Html.Encode(description)).Append("\">\n")
            .Append("<meta property=\"og:url\" content=\"").Append(Html.Encode(canonical)).Append("\">\n")
            .Append("<meta name=\"twitter:card\" content=\"summary\">\n");
        if (category.IsPrivate) head.Append("<meta name=\"robots\" content=\"noindex\">\n");
        var created = t.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var body = new StringBuilder()
            .Append("<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><a href=\"/forums\">Forums</a> ")
            .Append("<span aria-hidden=\"true\">›</span> <a href=\"/c/")
            .Append(Html.Encode(category.Slug)).Append("\">").Append(Html.Encode(category.Name)).Append("</a></nav>\n")
            .Append("<article class=\"thread\" id=\"thread\" data-thread-id=\"").Append(t.Id).Append("\" data-last-seq=\"").Append(t.LastSeq)
            .Append("\" data-category-id=\"").Append(category.Id).Append("\" data-qa=\"").Append(category.IsQa ? "true" : "false").Append("\">\n")
            .Append("<header class=\"thread-head\"><h1 id=\"thread-title\">").Append(Html.Encode(t.Title)).Append("</h1>\n")
            .Append("<p class=\"thread-meta muted\"><span id=\"thread-badges\">")
            .Append(t.Pinned ? "<span class=\"badge\">Pinned</span>" : "").Append(t.Locked ? "<span class=\"badge\">Locked</span>" : "")
            .Append(t.AcceptedSeq is not null ? "<span class=\"badge answered\">Answered</span>" : "")
            .Append("</span> Started by ").Append(Html.Encode(t.Author.DisplayName)).Append(" · <time datetime=\"").Append(created).Append("\">")
            .Append(t.CreatedAt.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture)).Append("</time> · <span id=\"reply-count\">")
            .Append(t.LastSeq - 1).Append(t.LastSeq == 2 ? " reply" : " replies")
                .Append("</span> <span id=\"viewers\" class=\"viewers\"></span></p>\n")
            .Append("<div id=\"thread-tools\" class=\"thread-tools\"></div></header>\n").Append(ideaPanel ?? "")
            .Append("<button type=\"button\" class=\"secondary load-earlier\" id=\"load-earlier\" hidden>Load earlier posts</button>\n")
            .Append("<ol class=\"posts\" id=\"posts\" aria-label=\"Posts\">\n")
            .Append("<li class=\"post\" id=\"p1\" data-seq=\"1\"><div class=\"post-head\"><strong>").Append(Html.Encode(t.Author.DisplayName))
            .Append("</strong></div><div class=\"post-body\">").Append(firstPostHtml).Append("</div></li>\n")
            .Append("</ol>\n")
            .Append("<button type=\"button\" class=\"secondary load-later\" id=\"load-later\" hidden>Load more posts</button>\n")
            .Append("<p class=\"typing muted\" id=\"typing\" aria-live=\"polite\"></p>\n")
            .Append("<div class=\"visually-hidden\" id=\"announcer\" role=\"status\" aria-live=\"polite\"></div>\n")
            .Append("<section id=\"composer-area\" class=\"composer-area\" aria-label=\"Reply\"><p class=\"muted\"><a href=\"/signin?returnUrl=")
            .Append(Html.Encode(Uri.EscapeDataString(t.Url))).Append("\">Sign in</a> to reply.</p></section>\n")
            .Append("</article>\n");
        return layout.Render(new Page
        {
            Title = t.Title,
            Description = description,
            Head = head.ToString(),
            Body = body.ToString(),
            Scripts = ideaPanel is null ? ["js/forums/thread.js"] : ["js/forums/thread.js", "js/forums/idea.js"],
            Name = "forums",
        });
    }

    private IResult NotFoundPage(HttpContext http)
    {
        var html = layout.Render(new Page
        {
            Title = "Not found",
            Body = "<section class=\"card\"><h1>Thread not found</h1><p>This thread does not exist, was removed, "
                + "or you need to sign in to see it.</p><p><a href=\"/forums\">Back to the forums</a></p></section>",
            Name = "forums",
        });
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: 404);
    }
}

internal static class ForumPageRoutes
{
    public static IEndpointRouteBuilder MapForumPages(this IEndpointRouteBuilder app)
    {
        app.MapPage("/forums", "forums.html");
        app.MapPage("/c/{slug}", "category.html");
        app.MapPage("/mod", "mod.html");
        app.MapGet("/t/{id:long}/{slug?}", (HttpContext http, long id, string? slug, ForumPages pages, CancellationToken ct) =>
            pages.ThreadAsync(http, id, slug, ct))
            .ExcludeFromDescription();
        return app;
    }
}
