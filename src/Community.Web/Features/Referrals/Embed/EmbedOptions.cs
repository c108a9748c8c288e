using System.Text;

namespace Community.Web.Features.Referrals;

/// <summary>The advocate panel inside the product (section <c>Embed</c>): the shared secret the product signs tokens with, and
/// the product origins allowed to frame <c>/embed/*</c>.</summary>
public sealed class EmbedOptions
{
    public const string Section = "Embed";
    public const int MinSecretBytes = 32;

    /// <summary>HS256 key shared with the product's server (at least 32 bytes of UTF-8). Without it the panel is off.</summary>
    public string? Secret { get; set; }
    /// <summary>Origins (<c>https://app.example.com</c>) whose pages may frame the panel.</summary>
    public IList<string> AllowedOrigins { get; } = [];
    /// <summary>How long a member's panel (link, funnel, credits) is served from memory before it is read again.</summary>
    public int CacheSeconds { get; set; } = 30;

    public bool Enabled => !string.IsNullOrEmpty(Secret);

    /// <summary>Reads the section and refuses a short secret or an origin that is not exactly <c>scheme://host[:port]</c>:
    /// origins go into a response header, so nothing but a parsed origin may reach it.</summary>
    public static EmbedOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var options = new EmbedOptions
        {
            Secret = section["Secret"],
            CacheSeconds = Math.Clamp(section.GetValue("CacheSeconds", 30), 0, 3600),
        };
        if (options.Enabled && Encoding.UTF8.GetByteCount(options.Secret!) < MinSecretBytes)
            throw new InvalidOperationException(
                $"Embed:Secret must be at least {MinSecretBytes} bytes; generate one with `openssl rand -base64 48`.");
        // Either a list (Embed:AllowedOrigins:0, …) or one comma-separated value.
        var raw = section.GetSection("AllowedOrigins").GetChildren().Select(c => c.Value).OfType<string>()
            .Concat((section["AllowedOrigins"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        foreach (var value in raw.Select(v => v.Trim()).Where(v => v.Length > 0))
        {
            var origin = Origin(value) ?? throw new InvalidOperationException(
                $"Embed:AllowedOrigins: '{value}' is not an origin; write it as https://app.example.com (scheme, host and optional port only).");
            if (!options.AllowedOrigins.Contains(origin, StringComparer.Ordinal)) options.AllowedOrigins.Add(origin);
        }
        return options;
    }

    private static string? Origin(string value)
    {
        if (!Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0 || uri.AbsolutePath != "/" || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
            return null;
        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }
}
