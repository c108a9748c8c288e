using System.Text;
using System.Text.Encodings.Web;

namespace Community.Web.Infrastructure.Pages;

/// <summary>
/// Renders pages into wwwroot/layout.html. Templates use two kinds of slot: <c>{{name}}</c> for page values and
/// <c>{{asset:path}}</c> for fingerprinted asset URLs — no logic lives in HTML. Slots are found in one pass over the
/// template alone: inserted values (a thread title that says <c>{{body}}</c>) are copied as they are, never expanded.
/// </summary>
public sealed class PageLayout(IWebHostEnvironment env, AssetUrls assets, SiteOptions site)
{
    private IReadOnlyList<Segment>? _layout;

    public string Render(Page page)
    {
        var scripts = new StringBuilder();
        foreach (var script in page.Scripts)
        {
            scripts.Append("<script type=\"module\" src=\"").Append(assets.Get(script)).Append("\"></script>\n");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["title"] = HtmlEncoder.Default.Encode(page.Title),
            ["description"] = HtmlEncoder.Default.Encode(string.IsNullOrEmpty(page.Description) ? site.Tagline : page.Description),
            ["site"] = HtmlEncoder.Default.Encode(site.Name),
            ["page"] = HtmlEncoder.Default.Encode(page.Name),
            ["head"] = page.Head,
            ["scripts"] = scripts.ToString(),
            ["body"] = page.Body,
        };
        var html = new StringBuilder(page.Body.Length + page.Head.Length + 4096);
        foreach (var segment in Layout)
        {
            if (segment.Slot is null) html.Append(segment.Text);
            else if (segment.Slot.StartsWith("asset:", StringComparison.Ordinal)) html.Append(assets.Get(segment.Slot[6..].Trim()));
            else html.Append(values.GetValueOrDefault(segment.Slot, ""));
        }
        return html.ToString();
    }

    /// <summary>Renders a page file of ours (wwwroot/pages): its own {{asset:...}} slots are resolved first.</summary>
    public string RenderPageFile(Page page) => Render(page with { Body = ResolveAssets(page.Body) });

    /// <summary>
    /// Replaces every {{asset:path}} in a trusted template (a page file under wwwroot/pages) with its fingerprinted URL.
    /// Never call it on HTML that contains user text.
    /// </summary>
    private string ResolveAssets(string template)
    {
        var html = new StringBuilder(template.Length);
        foreach (var segment in Parse(template))
        {
            if (segment.Slot is null) html.Append(segment.Text);
            else if (segment.Slot.StartsWith("asset:", StringComparison.Ordinal)) html.Append(assets.Get(segment.Slot[6..].Trim()));
            else html.Append("{{").Append(segment.Slot).Append("}}");
        }
        return html.ToString();
    }

    private IReadOnlyList<Segment> Layout => env.IsDevelopment() ? Load() : _layout ??= Load();

    private List<Segment> Load() => Parse(File.ReadAllText(Path.Combine(env.WebRootPath, "layout.html")));

    /// <summary>Splits a template into literal text and {{slot}} segments.</summary>
    private static List<Segment> Parse(string template)
    {
        var segments = new List<Segment>();
        var i = 0;
        while (true)
        {
            var start = template.IndexOf("{{", i, StringComparison.Ordinal);
            var end = start < 0 ? -1 : template.IndexOf("}}", start + 2, StringComparison.Ordinal);
            if (end < 0) break;
            segments.Add(new Segment(template[i..start], null));
            segments.Add(new Segment("", template[(start + 2)..end]));
            i = end + 2;
        }
        segments.Add(new Segment(template[i..], null));
        return segments;
    }

    private sealed record Segment(string Text, string? Slot);
}
