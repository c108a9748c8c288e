using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Community.Web.Infrastructure.Markdown;

/// <summary>Why user Markdown was refused: too large (413) or too deeply nested (400).</summary>
public sealed class MarkdownRejectedException(string message, int status) : Exception(message)
{
    /// <summary>The HTTP status an endpoint should answer with.</summary>
    public int Status { get; } = status;
}

/// <summary>The rendered HTML plus the @handles it linked.</summary>
public sealed record RenderedMarkdown(string Html, IReadOnlyList<string> Mentions)
{
    /// <summary>The rendered HTML links somewhere (a link or autolink that survived sanitising; @mentions do not count).</summary>
    public bool HasLinks { get; init; }
    /// <summary>The rendered HTML shows an image.</summary>
    public bool HasImages { get; init; }
}

/// <summary>
/// The one safe Markdown pipeline for user text. Raw HTML is escaped, URL schemes are allow-listed on the parsed
/// document (http, https, mailto and relative links; images only from /media/ or https), links get
/// <c>rel="nofollow ugc noopener"</c>. Render once when the text is saved and store the HTML.
/// </summary>
public static partial class MarkdownRenderer
{
    /// <summary>Maximum Markdown size in UTF-8 bytes.</summary>
    public const int MaxBytes = 64 * 1024;
    /// <summary>Maximum nesting of blocks and inlines (quotes in lists in quotes...).</summary>
    public const int MaxDepth = 32;

    private static readonly MarkdownPipeline Pipeline = BuildPipeline();

    private static MarkdownPipeline BuildPipeline()
    {
        var builder = new MarkdownPipelineBuilder()
            .DisableHtml()
            .UsePipeTables()
            .UseEmphasisExtras(Markdig.Extensions.EmphasisExtras.EmphasisExtraOptions.Strikethrough)
            .UseAutoLinks()
            .UseReferralLinks("nofollow", "ugc", "noopener");
        builder.MaximumNestingDepth = MaxDepth;
        return builder.Build();
    }

    /// <summary>Renders user Markdown to safe HTML.
    /// Throws <see cref="MarkdownRejectedException"/> for oversized or too deeply nested input.</summary>
    public static string Render(string markdown) => Render(markdown, null).Html;

    /// <summary>
    /// Renders user Markdown; <c>@handle</c> becomes a link to <c>/u/handle</c> when <paramref name="knownHandles"/>
    /// contains it (case-insensitive), and is reported in <see cref="RenderedMarkdown.Mentions"/>.
    /// </summary>
    public static RenderedMarkdown Render(string markdown, IReadOnlySet<string>? knownHandles)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        if (Encoding.UTF8.GetByteCount(markdown) > MaxBytes)
            throw new MarkdownRejectedException($"The text is larger than {MaxBytes / 1024} KiB.", StatusCodes.Status413PayloadTooLarge);
        try
        {
            var document = Markdig.Markdown.Parse(markdown, Pipeline);
            var mentions = new List<string>();
            var mentionLinks = new HashSet<LinkInline>();
            foreach (var inline in document.Descendants<Inline>().ToList()) Sanitise(inline, knownHandles, mentions, mentionLinks);
            using var writer = new StringWriter();
            var renderer = new HtmlRenderer(writer) { MaximumNestingDepth = MaxDepth + 8 };
            Pipeline.Setup(renderer);
            renderer.Render(document);
            writer.Flush();
            // Counted on the sanitised document, i.e. on what the HTML will hold, not on the raw text.
            var links = document.Descendants<LinkInline>().ToList();
            return new RenderedMarkdown(writer.ToString(), mentions)
            {
                HasLinks = links.Any(l => !l.IsImage && !mentionLinks.Contains(l)) || document.Descendants<AutolinkInline>().Any(),
                HasImages = links.Any(l => l.IsImage),
            };
        }
        // Markdig reports nesting beyond its limits with either exception.
        catch (Exception e) when (e is InvalidOperationException || (e is ArgumentException && e is not ArgumentNullException))
        {
            throw new MarkdownRejectedException(
                "The text is nested too deeply (quotes or lists inside each other). Flatten it and try again.", StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>Candidate @handles in raw text, for looking up which exist before rendering.</summary>
    public static IReadOnlyList<string> MentionCandidates(string markdown) =>
        [.. MentionPattern().Matches(markdown).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Take(20)];

    /// <summary>Plain text of rendered HTML, for descriptions and excerpts.</summary>
    public static string PlainText(string html, int max)
    {
        var text = WebUtility.HtmlDecode(TagPattern().Replace(html, " "));
        text = SpacePattern().Replace(text, " ").Trim();
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1).TrimEnd(), "…");
    }

    private static void Sanitise(Inline inline, IReadOnlySet<string>? knownHandles, List<string> mentions, HashSet<LinkInline> mentionLinks)
    {
        switch (inline)
        {
            case LinkInline { IsImage: true } image:
                if (!IsSafeImage(image.Url)) image.ReplaceBy(new LiteralInline(AltText(image)));
                break;
            case LinkInline link:
                if (!IsSafeLink(link.Url))
                {
                    // Keep the words, drop the link.
                    var children = link.ToList();
                    foreach (var child in children)
                    {
                        child.Remove();
                        link.InsertBefore(child);
                    }
                    link.Remove();
                }
                break;
            case AutolinkInline auto:
                if (!IsSafeLink(auto.IsEmail ? "mailto:" + auto.Url : auto.Url)) auto.ReplaceBy(new LiteralInline(auto.Url));
                break;
            case LiteralInline literal when knownHandles is { Count: > 0 } && !InsideLink(literal):
                LinkMentions(literal, knownHandles, mentions, mentionLinks);
                break;
        }
    }

    private static bool InsideLink(Inline inline)
    {
        for (var parent = inline.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is LinkInline) return true;
        }
        return false;
    }

    private static void LinkMentions(LiteralInline literal, IReadOnlySet<string> knownHandles, List<string> mentions,
        HashSet<LinkInline> mentionLinks)
    {
        var text = literal.Content.ToString();
        var matches = MentionPattern().Matches(text);
        if (matches.Count == 0) return;
        var pieces = new List<Inline>();
        var at = 0;
        foreach (Match m in matches)
        {
            var handle = m.Groups[1].Value.ToLowerInvariant();
            if (!knownHandles.Contains(handle)) continue;
            var start = m.Groups[1].Index - 1; // the '@'
            if (start > at) pieces.Add(new LiteralInline(text[at..start]));
            var link = new LinkInline("/u/" + handle, "") { IsClosed = true };
            link.AppendChild(new LiteralInline("@" + m.Groups[1].Value));
            mentionLinks.Add(link);
            pieces.Add(link);
            if (!mentions.Contains(handle)) mentions.Add(handle);
            at = m.Groups[1].Index + m.Groups[1].Length;
        }
        if (pieces.Count == 0) return;
        if (at < text.Length) pieces.Add(new LiteralInline(text[at..]));
        foreach (var piece in pieces) literal.InsertBefore(piece);
        literal.Remove();
    }

    private static string AltText(LinkInline image)
    {
        var sb = new StringBuilder();
        foreach (var child in image.Descendants<LiteralInline>()) sb.Append(child.Content.ToString());
        return sb.ToString();
    }

    /// <summary>Browsers drop whitespace and control characters inside URLs and decode entities, so the check does too.</summary>
    private static string Normalise(string? url)
    {
        if (string.IsNullOrEmpty(url)) return "";
        var decoded = WebUtility.HtmlDecode(url);
        var sb = new StringBuilder(decoded.Length);
        foreach (var c in decoded)
        {
            if (!char.IsControl(c) && !char.IsWhiteSpace(c)) sb.Append(c);
        }
        return sb.ToString();
    }

    internal static bool IsSafeLink(string? url)
    {
        var u = Normalise(url);
        if (u.Length == 0) return false;
        var scheme = SchemePattern().Match(u);
        if (!scheme.Success) return true; // relative, #anchor, ?query or //host
        return scheme.Groups[1].Value.ToLowerInvariant() is "http" or "https" or "mailto";
    }

    internal static bool IsSafeImage(string? url)
    {
        var u = Normalise(url);
        return u.StartsWith("/media/", StringComparison.Ordinal) && !u.Contains("..", StringComparison.Ordinal)
            || u.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.\-]*):")]
    private static partial Regex SchemePattern();

    [GeneratedRegex(@"(?<![\w@/.])@([a-zA-Z0-9_\-]{2,32})\b")]
    private static partial Regex MentionPattern();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex SpacePattern();
}
