using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Community.Web.Data;
using Community.Web.Infrastructure.Pages;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// The server-rendered parts of ideas: the panel on an idea's thread page (votes, status, announcement) and the public /roadmap
/// board. Both are cached with the forum's read caches, which every server drops on any write to a thread or category (votes and
/// status changes included), so a change made on one server shows on all of them.
/// </summary>
public sealed class IdeaPages(ForumReader reader, PageLayout layout, SiteOptions site, PublicUrls urls, CommunityDb db, RoadmapPages roadmaps)
{
    private const int PerColumn = 50;
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <summary>The idea panel for a thread page, or where a merged idea's page redirects (301).</summary>
    public static async Task<(string? Panel, string? Redirect)> PanelAsync(CommunityDb db, ForumReader reader, ThreadDto thread,
        CancellationToken ct)
    {
        var idea = await db.Set<Idea>().AsNoTracking().FirstOrDefaultAsync(i => i.ThreadId == thread.Id, ct) ?? new Idea { ThreadId = thread.Id };
        if (idea.MergedIntoId is { } target && await reader.ThreadAsync(target, ForumWrites.Staff, ct) is { } merged)
        {
            return (null, merged.Thread.Url);
        }
        var sb = new StringBuilder()
            .Append("<section class=\"idea-panel\" id=\"idea-panel\" aria-label=\"Idea\" data-idea-id=\"").Append(thread.Id).Append("\">")
            .Append("<div class=\"idea-vote\"><p class=\"idea-count\"><strong id=\"idea-vote-count\">").Append(idea.VoteCount)
            .Append("</strong> <span id=\"idea-vote-word\">").Append(idea.VoteCount == 1 ? "vote" : "votes").Append("</span></p>")
            .Append("<div id=\"idea-vote-area\"></div></div>")
            .Append("<div class=\"idea-state\"><p><span class=\"badge idea-status status-").Append(idea.Status).Append("\" id=\"idea-status\">")
            .Append(Html.Encode(IdeaStatuses.Label(idea.Status))).Append("</span> <span id=\"idea-status-note\">")
            .Append(Html.Encode(idea.StatusNote ?? "")).Append("</span></p>");
        sb.Append("<p id=\"idea-announcement\"").Append(idea.AnnouncementUrl is null ? " hidden" : "").Append("><a href=\"")
            .Append(Html.Encode(idea.AnnouncementUrl ?? "#")).Append("\">Read the announcement</a></p>")
            .Append("<p class=\"muted\" id=\"idea-budget\" role=\"status\" aria-live=\"polite\"></p></div>")
            .Append("<div id=\"idea-staff\" class=\"idea-staff\"></div></section>\n");
        return (sb.ToString(), null);
    }

    public async Task<IResult> RoadmapAsync(HttpContext http, CancellationToken ct)
    {
        var viewer = ForumViewer.From(http.User);
        var generation = reader.CategoryGeneration; // read before the query: a change meanwhile makes this copy stale at once
        var categories = (await reader.CategoriesAsync(ct)).Values.Where(c => c.IsIdeas && viewer.CanRead(c)).OrderBy(c => c.Id).ToList();
        var baseUrl = urls.Base;
        var key = ("roadmap", generation, string.Join(',', categories.Select(c => c.Id)), baseUrl);
        var page = (await reader.CachedAsync(key, async () =>
        {
            var html = await RenderRoadmapAsync(categories, baseUrl, ct);
            return new RoadmapPage(generation, Encoding.UTF8.GetBytes(html), StaticPages.ETagFor(html));
        }, 64 * 1024))!;
        if (!viewer.SignedIn) roadmaps.Anonymous = page;
        return RoadmapPages.Result(http, page);
    }

    private async Task<string> RenderRoadmapAsync(List<CategoryInfo> categories, string baseUrl, CancellationToken ct)
    {
        var ids = categories.Select(c => c.Id).ToList();
        var names = categories.ToDictionary(c => c.Id, c => c.Name);
        var rows = await (from i in db.Set<Idea>().AsNoTracking()
                          join t in db.Set<ForumThread>() on i.ThreadId equals t.Id
                          where !t.IsDeleted && ids.Contains(t.CategoryId) && i.MergedIntoId == null && IdeaStatuses.OnRoadmap.Contains(i.Status)
                          orderby i.VoteCount descending, t.Id descending
                          select new { t.Id, t.Slug, t.Title, t.CategoryId, i.Status, i.VoteCount, i.StatusNote, i.AnnouncementUrl })
            .ToListAsync(ct);
        var canonical = baseUrl + "/roadmap";
        const string description = "What we are planning, building and have shipped, from the ideas our community voted for.";
        var head = new StringBuilder()
            .Append("<link rel=\"canonical\" href=\"").Append(Html.Encode(canonical)).Append("\">\n")
            .Append("<meta property=\"og:type\" content=\"website\">\n")
            .Append("<meta property=\"og:site_name\" content=\"").Append(Html.Encode(site.Name)).Append("\">\n")
            .Append("<meta property=\"og:title\" content=\"Roadmap · ").Append(Html.Encode(site.Name)).Append("\">\n")
            .Append("<meta property=\"og:description\" content=\"").Append(description).Append("\">\n")
            .Append("<meta property=\"og:url\" content=\"").Append(Html.Encode(canonical)).Append("\">\n")
            .Append("<meta name=\"twitter:card\" content=\"summary\">\n");
        if (categories.Any(c => c.IsPrivate)) head.Append("<meta name=\"robots\" content=\"noindex\">\n");
        var body = new StringBuilder()
            .Append("<header class=\"roadmap-head\"><h1>Roadmap</h1><p class=\"muted\">").Append(description)
            .Append(" <a href=\"/ideas\">Share or vote on ideas</a>.</p></header>\n<div class=\"roadmap\">\n");
        foreach (var status in IdeaStatuses.OnRoadmap)
        {
            var column = rows.Where(r => r.Status == status).Take(PerColumn).ToList();
            var label = IdeaStatuses.Label(status);
            body.Append("<section class=\"roadmap-column card\" aria-labelledby=\"col-").Append(status).Append("\"><h2 id=\"col-").Append(status)
                .Append("\"><span class=\"badge idea-status status-").Append(status).Append("\">").Append(label)
                .Append("</span> <span class=\"muted\">")
                .Append(column.Count.ToString(CultureInfo.InvariantCulture)).Append("</span></h2>\n<ul class=\"roadmap-list\">\n");
            if (column.Count == 0) body.Append("<li class=\"empty muted\">Nothing here yet.</li>\n");
            foreach (var r in column)
            {
                body.Append("<li class=\"roadmap-card\"><a href=\"").Append(Html.Encode(ForumReader.ThreadUrl(r.Id, r.Slug))).Append("\">")
                    .Append(Html.Encode(r.Title)).Append("</a><p class=\"muted\">").Append(r.VoteCount.ToString(CultureInfo.InvariantCulture))
                    .Append(r.VoteCount == 1 ? " vote" : " votes");
                if (categories.Count > 1) body.Append(" · ").Append(Html.Encode(names[r.CategoryId]));
                body.Append("</p>");
                if (r.StatusNote is { Length: > 0 } note) body.Append("<p class=\"roadmap-note\">").Append(Html.Encode(note)).Append("</p>");
                if (r.AnnouncementUrl is { } url) body.Append("<p><a href=\"").Append(Html.Encode(url)).Append("\">Announcement</a></p>");
                body.Append("</li>\n");
            }
            body.Append("</ul></section>\n");
        }
        body.Append("</div>\n");
        return layout.Render(new Page
        {
            Title = "Roadmap", Description = description, Head = head.ToString(), Body = body.ToString(), Name = "roadmap",
        });
    }
}

/// <summary>The roadmap as served: its HTML bytes, ETag, and the forum generation it was built at.</summary>
public sealed record RoadmapPage(long Generation, byte[] Html, string ETag);

/// <summary>
/// The anonymous roadmap, held apart from the shared cache so the hot path (many anonymous visitors) is one comparison of the
/// forum generation: any thread, vote, status or category change on any server moves it (cache signals), and the page is rebuilt.
/// </summary>
public sealed class RoadmapPages(ForumReader reader)
{
    private volatile RoadmapPage? _anonymous;

    public RoadmapPage? Anonymous { get => _anonymous; set => _anonymous = value; }

    /// <summary>The cached anonymous page when it is current, otherwise null (the caller builds it).</summary>
    public IResult? TryServe(HttpContext http) =>
        http.User.Identity?.IsAuthenticated != true && Anonymous is { } page && page.Generation == reader.CategoryGeneration
            ? Result(http, page) : null;

    public static IResult Result(HttpContext http, RoadmapPage page)
    {
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = page.ETag;
        if (http.Request.Headers.IfNoneMatch.Contains(page.ETag)) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(page.Html, "text/html; charset=utf-8");
    }
}
