using System.Net;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Community.Web.Features.Media;
using Markdig;
using Markdig.Extensions.CustomContainers;
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
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseFigures()
        .UseCustomContainers()
        .UseAutoIdentifiers()
        .UseAutoLinks()
        .Build();

    /// <exception cref="StoryMarkdownException">The text nests deeper than the parser allows.</exception>
    public string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(markdown, Pipeline);
        }
        catch (ArgumentException e)
        {
            throw new StoryMarkdownException("The text is nested too deeply to display.", e);
        }
        Sanitise(document);
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
        var parts = new List<string>();
        foreach (var literal in inline.Descendants<LiteralInline>()) parts.Add(literal.Content.ToString());
        foreach (var code in inline.Descendants<CodeInline>()) parts.Add(code.Content);
        return string.Join("", parts);
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

    private static bool IsExternal(string? url) => Normalise(url) is { } v && (AllowedScheme().IsMatch(v) || v.StartsWith("//", StringComparison.Ordinal));

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
