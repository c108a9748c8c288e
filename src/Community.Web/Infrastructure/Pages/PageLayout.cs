using System.Text;
using System.Text.Encodings.Web;

namespace Community.Web.Infrastructure.Pages;

/// <summary>
/// Renders pages into wwwroot/layout.html. Templates use three placeholders: <c>{{name}}</c> for page values,
/// <c>{{asset:path}}</c> for fingerprinted asset URLs, and nothing else — no logic lives in HTML.
/// </summary>
public sealed class PageLayout(IWebHostEnvironment env, AssetUrls assets, SiteOptions site)
{
    private string? _layout;

    public string Render(Page page)
    {
        var scripts = new StringBuilder();
        foreach (var script in page.Scripts)
        {
            scripts.Append("<script type=\"module\" src=\"").Append(assets.Get(script)).Append("\"></script>\n");
        }
        var html = Layout
            .Replace("{{title}}", HtmlEncoder.Default.Encode(page.Title), StringComparison.Ordinal)
            .Replace("{{description}}", HtmlEncoder.Default.Encode(string.IsNullOrEmpty(page.Description) ? site.Tagline : page.Description), StringComparison.Ordinal)
            .Replace("{{site}}", HtmlEncoder.Default.Encode(site.Name), StringComparison.Ordinal)
            .Replace("{{page}}", HtmlEncoder.Default.Encode(page.Name), StringComparison.Ordinal)
            .Replace("{{head}}", page.Head, StringComparison.Ordinal)
            .Replace("{{scripts}}", scripts.ToString(), StringComparison.Ordinal)
            .Replace("{{body}}", page.Body, StringComparison.Ordinal);
        return ResolveAssets(html);
    }

    /// <summary>Replaces every {{asset:path}} with its fingerprinted URL.</summary>
    public string ResolveAssets(string html)
    {
        var sb = new StringBuilder(html.Length);
        var i = 0;
        while (true)
        {
            var start = html.IndexOf("{{asset:", i, StringComparison.Ordinal);
            if (start < 0) break;
            var end = html.IndexOf("}}", start, StringComparison.Ordinal);
            if (end < 0) break;
            sb.Append(html, i, start - i).Append(assets.Get(html[(start + 8)..end].Trim()));
            i = end + 2;
        }
        return sb.Append(html, i, html.Length - i).ToString();
    }

    private string Layout => env.IsDevelopment() ? Load() : _layout ??= Load();

    private string Load() => File.ReadAllText(Path.Combine(env.WebRootPath, "layout.html"));
}
