using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Community.Web.Features.Media;
using Community.Web.Infrastructure.Markdown;
using Markdig;
using Markdig.Extensions.CustomContainers;
using Markdig.Helpers;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Community.Web.Features.Publishing;

/// <summary>Story Markdown that cannot be rendered (nesting too deep); answered with 400.</summary>
public sealed class StoryMarkdownException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Marketing Markdown: tables, emphasis extras, figures, callouts (<c>:::note</c>, <c>:::tip</c>, <c>:::warning</c>)
/// and a <c>:::metrics</c> block, with raw HTML off and every URL checked against an allow-list on the parsed document.
/// Images from our media library become responsive &lt;picture&gt; elements.
/// </summary>
public sealed partial class StoryMarkdown(MediaLibrary media)
{
    private static readonly HashSet<string> Containers = new(StringComparer.Ordinal) { "note", "tip", "warning", "metrics" };

    // Never UseAdvancedExtensions: GenericAttributes and MediaLinks let authors inject attributes and iframes.
    // Not UseAutoIdentifiers either: it numbers repeated headings by probing -1, -2, ... from 1 each time, so n equal
    // headings cost O(n²) (11,000 took 10.7 s); heading ids are assigned in one linear pass below.
    private static readonly MarkdownPipeline Pipeline = BuildPipeline();

    private static MarkdownPipeline BuildPipeline()
    {
        var builder = new MarkdownPipelineBuilder()
            .DisableHtml()
            .UsePipeTables()
            .UseEmphasisExtras()
            .UseFigures()
            .UseCustomContainers()
            .UseAutoLinks();
        builder.MaximumNestingDepth = MarkdownRenderer.MaxDepth;
        return builder.Build();
    }

    /// <exception cref="StoryMarkdownException">The text nests deeper than the parser allows.</exception>
    public string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(markdown, Pipeline);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new StoryMarkdownException("The text is nested too deeply to display.", e);
        }
        Sanitise(document);
        AssignHeadingIds(document);
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        return writer.ToString();
    }

    private void Sanitise(MarkdownDocument document)
    {
        foreach (var container in document.Descendants<CustomContainer>())
        {
            // The parser has already turned the info string into a class attribute: rebuild it from the allow-list.
            var allowed = container.Info is not null && Containers.Contains(container.Info) ? container.Info : null;
            var attributes = new HtmlAttributes();
            if (allowed is not null) attributes.AddClass("callout " + allowed);
            container.SetAttributes(attributes);
            container.Info = allowed;
            container.Arguments = null;
        }
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (link.IsImage) ReplaceImage(link);
            else if (!IsSafeLink(link.Url)) Unwrap(link);
            else if (IsExternal(link.Url)) link.GetAttributes().AddProperty("rel", "nofollow noopener");
        }
        foreach (var auto in document.Descendants<AutolinkInline>().ToList())
        {
            if (!auto.IsEmail && !IsSafeLink(auto.Url)) auto.ReplaceBy(new LiteralInline(auto.Url));
            else if (!auto.IsEmail) auto.GetAttributes().AddProperty("rel", "nofollow noopener");
        }
    }

    /// <summary>
    /// Gives every heading an id from its text (what UseAutoIdentifiers produced: "results", then "results-1", "results-2"),
    /// remembering the next free number per text so repeated headings stay linear.
    /// </summary>
    private static void AssignHeadingIds(MarkdownDocument document)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            var text = heading.Inline is null ? "" : LinkHelper.Urilize(PlainText(heading.Inline), true);
            var id = text.Length == 0 ? "section" : text;
            if (!used.Add(id))
            {
                var n = next.GetValueOrDefault(id, 1);
                while (!used.Add(id + "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture))) n++;
                next[id] = n + 1;
                id = id + "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            heading.GetAttributes().Id = id;
        }
    }

    private void ReplaceImage(LinkInline image)
    {
        var alt = PlainText(image);
        var url = Normalise(image.Url);
        string html;
        if (media.FindByUrl(url) is { } known)
        {
            html = Pictures.Render(known, alt);
        }
        else if (url is not null && HttpsUrl().IsMatch(url))
        {
            html = $"<img src=\"{HtmlEncoder.Default.Encode(url)}\" alt=\"{HtmlEncoder.Default.Encode(alt)}\" loading=\"lazy\" decoding=\"async\">";
        }
        else if (url is not null && url.StartsWith("/media/", StringComparison.Ordinal) && MediaPath().IsMatch(url))
        {
            html = $"<img src=\"{HtmlEncoder.Default.Encode(url)}\" alt=\"{HtmlEncoder.Default.Encode(alt)}\" loading=\"lazy\" decoding=\"async\">";
        }
        else
        {
            image.ReplaceBy(new LiteralInline(alt));
            return;
        }
        if (!string.IsNullOrWhiteSpace(image.Title))
        {
            html = $"<figure class=\"story-figure\">{html}<figcaption>{HtmlEncoder.Default.Encode(image.Title)}</figcaption></figure>";
        }
        image.ReplaceBy(new HtmlInline(html));
    }

    private static void Unwrap(LinkInline link)
    {
        var child = link.FirstChild;
        while (child is not null)
        {
            var next = child.NextSibling;
            child.Remove();
            link.InsertBefore(child);
            child = next;
        }
        link.Remove();
    }

    private static string PlainText(ContainerInline inline)
    {
        var text = new StringBuilder();
        foreach (var child in inline.Descendants<Inline>())
        {
            if (child is LiteralInline literal) text.Append(literal.Content.AsSpan());
            else if (child is CodeInline code) text.Append(code.Content);
        }
        return text.ToString();
    }

    /// <summary>Decodes entities and drops whitespace and control characters browsers ignore inside schemes.</summary>
    private static string? Normalise(string? url)
    {
        if (url is null) return null;
        var decoded = WebUtility.HtmlDecode(WebUtility.HtmlDecode(url));
        return IgnoredChars().Replace(decoded, "");
    }

    /// <summary>http(s), mailto, and scheme-less references (relative paths, #anchors, ?queries).</summary>
    public static bool IsSafeLink(string? url)
    {
        var value = Normalise(url);
        if (string.IsNullOrEmpty(value)) return false;
        return AllowedScheme().IsMatch(value) || NoScheme().IsMatch(value);
    }

    private static bool IsExternal(string? url) =>
        Normalise(url) is { } v && (AllowedScheme().IsMatch(v) || v.StartsWith("//", StringComparison.Ordinal));

    [GeneratedRegex(@"\A(?:https?://|mailto:)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AllowedScheme();

    // No colon before the first '/', '?' or '#': the browser will not read a scheme from it.
    [GeneratedRegex(@"\A[^:/?#]*(?:[/?#]|\z)", RegexOptions.CultureInvariant)]
    private static partial Regex NoScheme();

    [GeneratedRegex(@"\Ahttps://[^\s""'<>]+\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HttpsUrl();

    [GeneratedRegex(@"\A/media/[0-9a-f]{64}\.(?:webp|jpg|png|gif)\z", RegexOptions.CultureInvariant)]
    private static partial Regex MediaPath();

    [GeneratedRegex(@"[\u0000-\u0020\u007f-\u009f]")]
    private static partial Regex IgnoredChars();
}
