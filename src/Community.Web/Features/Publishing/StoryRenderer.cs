using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Community.Web.Features.Media;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Publishing;

/// <summary>Builds story HTML on the server: the article (also used by the editor's live preview), the full page with its share meta,
/// and listings.</summary>
public sealed class StoryRenderer(StoryMarkdown markdown, MediaLibrary media, PageLayout layout, SiteOptions site, PublicUrls urls)
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;
    public const string CardSizes = "(min-width: 72rem) 22rem, (min-width: 48rem) 33vw, 100vw";

    /// <summary>The story's article element. Throws <see cref="StoryMarkdownException"/> for unrenderable Markdown.</summary>
    public string Article(StoryView s)
    {
        var sb = new StringBuilder(4096);
        sb.Append("<article class=\"story\" aria-labelledby=\"story-title\"><header class=\"story-head\">");
        sb.Append("<p class=\"story-kind\"><a href=\"").Append(StoryKinds.ListPath(s.Kind)).Append("\">")
            .Append(StoryKinds.Label(s.Kind)).Append("</a>");
        if (media.Find(s.LogoImage) is { } logo)
        {
            sb.Append(Pictures.Render(logo, s.Customer + " logo", "8rem", cssClass: "story-logo"));
        }
        else if (s.Customer.Length > 0)
        {
            sb.Append(" · ").Append(E.Encode(s.Customer));
        }
        sb.Append("</p><h1 id=\"story-title\">").Append(E.Encode(s.Title)).Append("</h1>");
        if (s.Summary.Length > 0) sb.Append("<p class=\"lead\">").Append(E.Encode(s.Summary)).Append("</p>");
        sb.Append("<p class=\"story-meta muted\">");
        // The editor's live preview renders an unsaved story: it has no date yet, so it says so instead of "1 January 0001".
        if (s.Date == default) sb.Append("<span class=\"story-undated\">Not published yet</span>");
        else sb.Append("<time datetime=\"").Append(s.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("\">")
            .Append(s.Date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)).Append("</time>");
        AppendTags(sb, s);
        sb.Append("</p></header>");

        if (media.Find(s.HeroImage) is { } hero)
        {
            sb.Append("<figure class=\"story-hero\">").Append(Pictures.Render(hero, s.HeroAlt ?? "", eager: true)).Append("</figure>");
        }
        if (s.Kind == StoryKinds.Spotlight && !string.IsNullOrWhiteSpace(s.Quote))
        {
            sb.Append("<figure class=\"story-quote\"><blockquote><p>").Append(E.Encode(s.Quote)).Append("</p></blockquote><figcaption>");
            if (!string.IsNullOrWhiteSpace(s.PersonName)) sb.Append(E.Encode(s.PersonName));
            if (!string.IsNullOrWhiteSpace(s.PersonRole)) sb.Append(", ").Append(E.Encode(s.PersonRole));
            if (s.Customer.Length > 0) sb.Append(" at ").Append(E.Encode(s.Customer));
            if (!string.IsNullOrWhiteSpace(s.FeaturedMember))
            {
                sb.Append(" · <a href=\"/u/").Append(Uri.EscapeDataString(s.FeaturedMember)).Append("\">See their community profile</a>");
            }
            sb.Append("</figcaption></figure>");
        }
        if (s.Metrics.Count > 0)
        {
            sb.Append("<dl class=\"story-metrics\">");
            foreach (var m in s.Metrics)
            {
                sb.Append("<div><dt>").Append(E.Encode(m.Label)).Append("</dt><dd>").Append(E.Encode(m.Value)).Append("</dd></div>");
            }
            sb.Append("</dl>");
        }
        Section(sb, "The challenge", s.Challenge);
        Section(sb, "The solution", s.Solution);
        Section(sb, "The results", s.Results);
        sb.Append("<div class=\"story-body\">").Append(markdown.ToHtml(s.Body)).Append("</div>");
        AppendCta(sb, s);
        sb.Append("</article>");
        return sb.ToString();
    }

    private void Section(StringBuilder sb, string title, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        sb.Append("<section class=\"story-section\"><h2>").Append(title).Append("</h2>").Append(markdown.ToHtml(text)).Append("</section>");
    }

    private static void AppendTags(StringBuilder sb, StoryView s)
    {
        var list = StoryKinds.ListPath(s.Kind);
        void Tag(string param, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return;
            sb.Append(" · <a class=\"tag\" href=\"").Append(list).Append('?').Append(param).Append('=')
                .Append(E.Encode(Uri.EscapeDataString(value))).Append("\">")
                .Append(E.Encode(value)).Append("</a>");
        }
        Tag("industry", s.Industry);
        Tag("size", s.CompanySize);
        Tag("area", s.ProductArea);
    }

    private static void AppendCta(StringBuilder sb, StoryView s)
    {
        // The referral cookie set by /r/{code} is left alone; ?ref= only adds the featured member's credit.
        var join = s.CreditReferralCode is { Length: > 0 } code ? "/signup?ref=" + Uri.EscapeDataString(code) : "/signup";
        sb.Append("<aside class=\"story-cta card\" aria-labelledby=\"cta-title\"><h2 id=\"cta-title\">Talk to teams like ")
            .Append(E.Encode(s.Customer.Length > 0 ? s.Customer : "this one")).Append("</h2>")
            .Append("<p>Join the community to ask questions, share what works and learn from customers who have been there.</p><p class=\"actions\">")
            .Append("<a class=\"button\" data-cta=\"join\" href=\"").Append(E.Encode(join)).Append("\">Join the community</a>");
        if (s.CtaLabel is { Length: > 0 } label && StoryMarkdown.IsSafeLink(s.CtaUrl))
        {
            sb.Append(" <a class=\"button secondary\" href=\"").Append(E.Encode(s.CtaUrl!)).Append("\">").Append(E.Encode(label)).Append("</a>");
        }
        sb.Append("</p></aside>");
    }

    /// <summary>The site's public address for canonical links, feeds and the sitemap (never the request's Host header).</summary>
    public string BaseUrl => urls.Base;

    /// <summary>The public story page: article, share links, related stories, and OpenGraph/Twitter/JSON-LD meta.</summary>
    public string Page(StoryView s, IEnumerable<StoryView> related, string baseUrl, bool preview = false)
    {
        var canonical = baseUrl + s.Path;
        var body = new StringBuilder(8192);
        if (preview)
        {
            body.Append("<p class=\"alert info preview-banner\" role=\"status\">")
                .Append("Preview: this is how the story will look. It is not public until it is published.</p>");
        }
        body.Append(Article(s));
        body.Append("<nav class=\"share\" aria-label=\"Share this story\"><span class=\"muted\">Share:</span> ")
            .Append("<a href=\"https://www.linkedin.com/sharing/share-offsite/?url=").Append(E.Encode(Uri.EscapeDataString(canonical)))
            .Append("\" rel=\"noopener\">LinkedIn</a> ")
            .Append("<a href=\"https://twitter.com/intent/tweet?url=").Append(E.Encode(Uri.EscapeDataString(canonical)))
            .Append("&amp;text=").Append(E.Encode(Uri.EscapeDataString(s.Title))).Append("\" rel=\"noopener\">X / Twitter</a> ")
            .Append("<a href=\"mailto:?subject=").Append(E.Encode(Uri.EscapeDataString(s.Title)))
            .Append("&amp;body=").Append(E.Encode(Uri.EscapeDataString(canonical))).Append("\">Email</a></nav>");
        var relatedList = related.ToList();
        if (relatedList.Count > 0)
        {
            body.Append("<section class=\"related\" aria-labelledby=\"related-title\">")
                .Append("<h2 id=\"related-title\">Related stories</h2><ul class=\"story-grid\">");
            foreach (var r in relatedList) body.Append(Card(r));
            body.Append("</ul></section>");
        }
        return layout.Render(new Page
        {
            Title = s.Title,
            Description = s.Summary,
            Body = body.ToString(),
            Head = Head(s, canonical, baseUrl, preview),
            Name = "stories",
        });
    }

    private string Head(StoryView s, string canonical, string baseUrl, bool preview)
    {
        var hero = media.Find(s.HeroImage);
        var image = hero is null ? null : baseUrl + hero.Near(1200).Url;
        var sb = new StringBuilder(1024);
        void Meta(string attr, string key, string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            sb.Append("<meta ").Append(attr).Append("=\"").Append(key).Append("\" content=\"").Append(E.Encode(value)).Append("\">\n");
        }
        if (preview) Meta("name", "robots", "noindex, nofollow");
        sb.Append("<link rel=\"canonical\" href=\"").Append(E.Encode(canonical)).Append("\">\n");
        sb.Append("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Customer stories\" href=\"/stories/feed.xml\">\n");
        Meta("property", "og:type", "article");
        Meta("property", "og:site_name", site.Name);
        Meta("property", "og:title", s.Title);
        Meta("property", "og:description", s.Summary);
        Meta("property", "og:url", canonical);
        Meta("property", "og:image", image);
        if (hero is not null)
        {
            var og = hero.Near(1200);
            Meta("property", "og:image:width", og.Width.ToString(CultureInfo.InvariantCulture));
            Meta("property", "og:image:height", og.Height.ToString(CultureInfo.InvariantCulture));
            Meta("property", "og:image:alt", s.HeroAlt);
        }
        Meta("property", "article:published_time", s.Date.ToString("O", CultureInfo.InvariantCulture));
        Meta("name", "twitter:card", image is null ? "summary" : "summary_large_image");
        Meta("name", "twitter:title", s.Title);
        Meta("name", "twitter:description", s.Summary);
        Meta("name", "twitter:image", image);
        var jsonLd = new Dictionary<string, object?>
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "Article",
            ["headline"] = s.Title,
            ["description"] = s.Summary,
            ["image"] = image is null ? null : new[] { image },
            ["datePublished"] = s.Date.ToString("O", CultureInfo.InvariantCulture),
            ["dateModified"] = (s.UpdatedAt > s.Date ? s.UpdatedAt : s.Date).ToString("O", CultureInfo.InvariantCulture),
            ["author"] = new Dictionary<string, string> { ["@type"] = "Organization", ["name"] = site.Name },
            ["publisher"] = new Dictionary<string, string> { ["@type"] = "Organization", ["name"] = site.Name },
            ["mainEntityOfPage"] = canonical,
            ["about"] = s.Customer,
        };
        // The default encoder escapes < > & so the JSON cannot close the script element.
        sb.Append("<script type=\"application/ld+json\">").Append(JsonSerializer.Serialize(jsonLd)).Append("</script>\n");
        return sb.ToString();
    }

    public string Card(StoryView s)
    {
        var sb = new StringBuilder(1024);
        sb.Append("<li class=\"story-card card\">");
        if (media.Find(s.HeroImage) is { } hero) sb.Append(Pictures.Render(hero, "", CardSizes));
        sb.Append("<p class=\"story-kind muted\">").Append(StoryKinds.Label(s.Kind)).Append(" · ").Append(E.Encode(s.Customer)).Append("</p>");
        sb.Append("<h3><a href=\"").Append(s.Path).Append("\">").Append(E.Encode(s.Title)).Append("</a></h3>");
        if (s.Summary.Length > 0) sb.Append("<p>").Append(E.Encode(s.Summary)).Append("</p>");
        var tags = new[] { s.Industry, s.CompanySize, s.ProductArea }.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        if (tags.Count > 0)
        {
            sb.Append("<p class=\"tags\">");
            foreach (var t in tags) sb.Append("<span class=\"badge\">").Append(E.Encode(t!)).Append("</span>");
            sb.Append("</p>");
        }
        sb.Append("</li>");
        return sb.ToString();
    }

    public sealed record ListingQuery(string? Industry, string? Size, string? Area, string? Q);

    /// <summary>/spotlights and /case-studies: a GET form of filters (works without JavaScript) and the matching stories.</summary>
    public string Listing(string kind, IReadOnlyList<StoryView> all, ListingQuery query)
    {
        var matches = all.Where(s =>
            (query.Industry is null || s.Industry == query.Industry)
            && (query.Size is null || s.CompanySize == query.Size)
            && (query.Area is null || s.ProductArea == query.Area)
            && (query.Q is null || Matches(s, query.Q))).ToList();
        var title = kind == StoryKinds.Spotlight ? "Customer spotlights" : "Case studies";
        var intro = kind == StoryKinds.Spotlight
            ? "Meet the people behind our customers' wins, in their own words."
            : "How teams solved real problems, with the numbers to show for it.";
        var other = kind == StoryKinds.Spotlight ? ("/case-studies", "Case studies") : ("/spotlights", "Customer spotlights");
        var sb = new StringBuilder(8192);
        sb.Append("<header class=\"listing-head\"><h1>").Append(title).Append("</h1><p class=\"lead muted\">").Append(intro)
            .Append(" <a href=\"").Append(other.Item1).Append("\">").Append(other.Item2)
            .Append("</a> · <a href=\"/stories/feed.xml\">Feed</a></p></header>");
        sb.Append("<form class=\"story-filters card\" method=\"get\" action=\"").Append(StoryKinds.ListPath(kind))
            .Append("\" role=\"search\" aria-label=\"Filter stories\">");
        Select(sb, "industry", "Industry", all.Select(s => s.Industry), query.Industry);
        Select(sb, "size", "Company size", all.Select(s => s.CompanySize), query.Size);
        Select(sb, "area", "Product area", all.Select(s => s.ProductArea), query.Area);
        sb.Append("<div class=\"field\"><label for=\"filter-q\">Search</label>")
            .Append("<input id=\"filter-q\" type=\"search\" name=\"q\" maxlength=\"100\" value=\"")
            .Append(E.Encode(query.Q ?? "")).Append("\"></div>");
        sb.Append("<div class=\"filter-actions\"><button type=\"submit\">Filter</button> <a class=\"button link\" href=\"")
            .Append(StoryKinds.ListPath(kind)).Append("\">Clear</a></div></form>");
        sb.Append("<p class=\"muted\" id=\"result-count\">").Append(matches.Count).Append(matches.Count == 1 ? " story" : " stories").Append("</p>");
        if (matches.Count == 0)
        {
            sb.Append("<p class=\"empty\">No stories match these filters yet.</p>");
        }
        else
        {
            sb.Append("<ul class=\"story-grid\" aria-labelledby=\"result-count\">");
            foreach (var s in matches) sb.Append(Card(s));
            sb.Append("</ul>");
        }
        return layout.Render(new Page
        {
            Title = title,
            Description = intro,
            Body = sb.ToString(),
            Head = "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Customer stories\" href=\"/stories/feed.xml\">\n",
            Name = "stories",
        });
    }

    public string NotFoundPage() => layout.Render(new Page
    {
        Title = "Story not found",
        Body = "<section class=\"card\"><h1>Story not found</h1><p>This story does not exist or is not published. "
            + "<a href=\"/spotlights\">Browse customer spotlights</a> or <a href=\"/case-studies\">case studies</a>.</p></section>",
        Name = "stories",
    });

    private static bool Matches(StoryView s, string q) =>
        s.Title.Contains(q, StringComparison.OrdinalIgnoreCase) || s.Summary.Contains(q, StringComparison.OrdinalIgnoreCase)
        || s.Customer.Contains(q, StringComparison.OrdinalIgnoreCase) || s.Body.Contains(q, StringComparison.OrdinalIgnoreCase)
        || (s.Quote?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false);

    private static void Select(StringBuilder sb, string name, string label, IEnumerable<string?> values, string? selected)
    {
        sb.Append("<div class=\"field\"><label for=\"filter-").Append(name).Append("\">").Append(label).Append("</label><select id=\"filter-")
            .Append(name).Append("\" name=\"").Append(name).Append("\"><option value=\"\">Any</option>");
        foreach (var v in values.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            sb.Append("<option").Append(v == selected ? " selected" : "").Append('>').Append(E.Encode(v)).Append("</option>");
        }
        sb.Append("</select></div>");
    }
}
