using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Community.Web.Infrastructure.Markdown;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Knowledge;

/// <summary>Builds the public knowledge-base pages on the server: the index, a section and an article with its share meta.</summary>
public sealed class KbRenderer(PageLayout layout, SiteOptions site, PublicUrls urls)
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public string BaseUrl => urls.Base;

    private static void SearchBox(StringBuilder sb) =>
        sb.Append("<form class=\"kb-search\" method=\"get\" action=\"/search\" role=\"search\" aria-label=\"Search the community\">")
            .Append("<label for=\"kb-q\" class=\"visually-hidden\">Search articles, threads and stories</label>")
            .Append("<input id=\"kb-q\" name=\"q\" type=\"search\" maxlength=\"200\" placeholder=\"Search articles, threads and stories\">")
            .Append("<button type=\"submit\">Search</button></form>");

    public string Index(KbSnapshot kb)
    {
        var sb = new StringBuilder(8192);
        sb.Append("<header class=\"listing-head\"><h1>Knowledge base</h1><p class=\"lead muted\">")
            .Append("Answers from our team and the community, in one place.</p>");
        SearchBox(sb);
        sb.Append("</header>");
        var sections = kb.Sections.Where(s => kb.In(s).Any()).ToList();
        if (sections.Count == 0) sb.Append("<p class=\"empty\">No articles yet.</p>");
        sb.Append("<div class=\"kb-sections\">");
        foreach (var section in sections)
        {
            sb.Append("<section class=\"card kb-section\" aria-labelledby=\"kb-s-").Append(section.Id).Append("\"><h2 id=\"kb-s-")
                .Append(section.Id).Append("\"><a href=\"/kb/").Append(section.Slug).Append("\">").Append(E.Encode(section.Title))
                .Append("</a></h2>");
            if (section.Description.Length > 0) sb.Append("<p class=\"muted\">").Append(E.Encode(section.Description)).Append("</p>");
            ArticleList(sb, kb.In(section).Take(8));
            sb.Append("</section>");
        }
        sb.Append("</div>");
        return layout.Render(new Page
        {
            Title = "Knowledge base",
            Description = "Answers from our team and the community, in one place.",
            Body = sb.ToString(),
            Head = $"<link rel=\"canonical\" href=\"{E.Encode(BaseUrl + "/kb")}\">\n",
            Name = "kb",
        });
    }

    public string Section(KbSnapshot kb, KbSection section)
    {
        var sb = new StringBuilder(4096);
        sb.Append("<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><a href=\"/kb\">Knowledge base</a></nav>")
            .Append("<header class=\"listing-head\"><h1>").Append(E.Encode(section.Title)).Append("</h1>");
        if (section.Description.Length > 0) sb.Append("<p class=\"lead muted\">").Append(E.Encode(section.Description)).Append("</p>");
        sb.Append("</header><section class=\"card\" aria-label=\"Articles\">");
        ArticleList(sb, kb.In(section));
        sb.Append("</section>");
        return layout.Render(new Page
        {
            Title = section.Title,
            Description = section.Description,
            Body = sb.ToString(),
            Head = $"<link rel=\"canonical\" href=\"{E.Encode(BaseUrl + "/kb/" + section.Slug)}\">\n",
            Name = "kb",
        });
    }

    private static void ArticleList(StringBuilder sb, IEnumerable<KbArticleView> articles)
    {
        sb.Append("<ul class=\"kb-articles\">");
        foreach (var a in articles)
        {
            sb.Append("<li><a href=\"").Append(a.Path).Append("\">").Append(E.Encode(a.Title)).Append("</a>");
            if (a.Summary.Length > 0) sb.Append("<p class=\"muted\">").Append(E.Encode(a.Summary)).Append("</p>");
            sb.Append("</li>");
        }
        sb.Append("</ul>");
    }

    /// <summary>The article page. Its HTML is the same for everyone (it is cached); the feedback form is driven by js/knowledge/article.js.</summary>
    public string Article(KbArticleView a)
    {
        var canonical = BaseUrl + a.Path;
        var sb = new StringBuilder(a.Html.Length + 4096);
        sb.Append("<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><a href=\"/kb\">Knowledge base</a> › <a href=\"/kb/")
            .Append(a.Section.Slug).Append("\">").Append(E.Encode(a.Section.Title)).Append("</a></nav>");
        sb.Append("<article class=\"story kb-article\" aria-labelledby=\"kb-title\" data-article-id=\"").Append(a.Id).Append("\">")
            .Append("<header class=\"story-head\"><h1 id=\"kb-title\">").Append(E.Encode(a.Title)).Append("</h1>");
        if (a.Summary.Length > 0) sb.Append("<p class=\"lead\">").Append(E.Encode(a.Summary)).Append("</p>");
        sb.Append("<p class=\"story-meta muted\">Updated <time datetime=\"").Append(a.UpdatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Append("\">").Append(a.UpdatedAt.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)).Append("</time></p></header>");
        sb.Append("<div class=\"story-body\">").Append(a.Html).Append("</div>");
        if (a.SourceUrl is not null)
        {
            sb.Append("<p class=\"kb-credit muted\">From a <a href=\"").Append(E.Encode(a.SourceUrl)).Append("\">solved community thread</a>");
            if (a.Credit is { } c)
            {
                sb.Append("; answer by <a href=\"/u/").Append(E.Encode(Uri.EscapeDataString(c.UserName))).Append("\">")
                    .Append(E.Encode(c.DisplayName)).Append("</a>");
            }
            sb.Append(".</p>");
        }
        sb.Append("</article>");
        sb.Append("""
            <section class="card kb-feedback" aria-labelledby="kb-feedback-title">
              <h2 id="kb-feedback-title">Was this helpful?</h2>
              <form id="kb-feedback" novalidate>
                <div class="form-status alert" role="status" tabindex="-1"></div>
                <div class="field">
                  <label for="kb-comment">Anything we should add? (optional)</label>
                  <textarea id="kb-comment" name="comment" maxlength="1000" rows="2"></textarea>
                </div>
                <div class="actions" role="group" aria-labelledby="kb-feedback-title">
                  <button type="submit" name="helpful" value="yes" class="secondary">Yes</button>
                  <button type="submit" name="helpful" value="no" class="secondary">No</button>
                </div>
              </form>
              <p class="muted" id="kb-feedback-done" aria-live="polite"></p>
            </section>
            """);
        return layout.Render(new Page
        {
            Title = a.Title,
            Description = a.Summary,
            Body = sb.ToString(),
            Head = Head(a, canonical),
            Name = "kb",
            Scripts = ["js/knowledge/article.js"],
        });
    }

    private string Head(KbArticleView a, string canonical)
    {
        var sb = new StringBuilder(1024);
        void Meta(string attr, string key, string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            sb.Append("<meta ").Append(attr).Append("=\"").Append(key).Append("\" content=\"").Append(E.Encode(value)).Append("\">\n");
        }
        sb.Append("<link rel=\"canonical\" href=\"").Append(E.Encode(canonical)).Append("\">\n");
        Meta("property", "og:type", "article");
        Meta("property", "og:site_name", site.Name);
        Meta("property", "og:title", a.Title);
        Meta("property", "og:description", a.Summary);
        Meta("property", "og:url", canonical);
        Meta("property", "article:modified_time", a.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
        Meta("name", "twitter:card", "summary");
        Meta("name", "twitter:title", a.Title);
        Meta("name", "twitter:description", a.Summary);
        var text = MarkdownRenderer.PlainText(a.Html, 5000);
        var publisher = new Dictionary<string, string> { ["@type"] = "Organization", ["name"] = site.Name };
        // A question promoted from a solved thread is one question with its accepted answer: FAQPage. Others are TechArticles.
        object jsonLd = a.SourceUrl is not null
            ? new Dictionary<string, object?>
            {
                ["@context"] = "https://schema.org",
                ["@type"] = "FAQPage",
                ["mainEntity"] = new[]
                {
                    new Dictionary<string, object?>
                    {
                        ["@type"] = "Question",
                        ["name"] = a.Title,
                        ["acceptedAnswer"] = new Dictionary<string, object?> { ["@type"] = "Answer", ["text"] = text },
                    },
                },
            }
            : new Dictionary<string, object?>
            {
                ["@context"] = "https://schema.org",
                ["@type"] = "TechArticle",
                ["headline"] = a.Title,
                ["description"] = a.Summary,
                ["articleSection"] = a.Section.Title,
                ["datePublished"] = a.PublishedAt.ToString("O", CultureInfo.InvariantCulture),
                ["dateModified"] = a.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
                ["author"] = publisher,
                ["publisher"] = publisher,
                ["mainEntityOfPage"] = canonical,
            };
        // The default encoder escapes < > & so the JSON cannot close the script element.
        sb.Append("<script type=\"application/ld+json\">").Append(JsonSerializer.Serialize(jsonLd)).Append("</script>\n");
        return sb.ToString();
    }

    public string NotFoundPage() => layout.Render(new Page
    {
        Title = "Article not found",
        Body = "<section class=\"card\"><h1>Article not found</h1><p>This article does not exist or is not published. "
            + "<a href=\"/kb\">Browse the knowledge base</a>.</p></section>",
        Name = "kb",
    });
}
