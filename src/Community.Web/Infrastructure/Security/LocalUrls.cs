using System.Diagnostics.CodeAnalysis;

namespace Community.Web.Infrastructure.Security;

/// <summary>
/// The one check for return and landing URLs a visitor can put in a link. wwwroot/js/local-url.js applies the same rules
/// in the browser. Browsers drop tabs and newlines and read <c>\</c> as <c>/</c>, so <c>/%09/evil.example</c> would leave
/// the site: a value is local only if every decoding of it is a single-slash path without control characters or backslashes.
/// </summary>
public static class LocalUrls
{
    private const int MaxLength = 2048;
    private static readonly Uri Probe = new("http://local.invalid/");

    /// <summary>True when <paramref name="value"/> is a path on this site that no browser can turn into another origin.</summary>
    public static bool IsLocal([NotNullWhen(true)] string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength) return false;
        var current = value;
        // Decode until stable (bounded): a double-encoded %2509 must not become a tab after one more decoding somewhere else.
        for (var round = 0; round < 4; round++)
        {
            if (!IsPlainLocalPath(current)) return false;
            var decoded = Uri.UnescapeDataString(current);
            // Unchanged although it holds an escape: invalid UTF-8 (%ff), which the browser's decoder refuses as well.
            if (decoded == current) return !current.Contains('%', StringComparison.Ordinal);
            current = decoded;
        }
        return false;
    }

    /// <summary><paramref name="value"/> when it is local, otherwise <paramref name="fallback"/>.</summary>
    public static string LocalOr(string? value, string fallback = "/") => IsLocal(value) ? value : fallback;

    /// <summary>
    /// A landing page for referral links: a local path, or an absolute http(s) URL with a host, no user info,
    /// and no control characters or backslashes (an administrator chooses it; a visitor never does).
    /// </summary>
    public static bool IsSafeLanding([NotNullWhen(true)] string? value)
    {
        if (IsLocal(value)) return true;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || HasForbiddenChar(value)) return false;
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            && uri.Host.Length > 0 && uri.UserInfo.Length == 0 && value.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsPlainLocalPath(string s)
    {
        if (s.Length == 0 || s[0] != '/' || (s.Length > 1 && s[1] is '/' or '\\') || HasForbiddenChar(s)) return false;
        // Parsed as a relative reference it must stay on the probe origin.
        return Uri.TryCreate(s, UriKind.Relative, out _) && Uri.TryCreate(Probe, s, out var resolved)
            && resolved.Scheme == Probe.Scheme && resolved.Authority == Probe.Authority;
    }

    private static bool HasForbiddenChar(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsControl(c) || c == '\\' || c is '\u2028' or '\u2029') return true;
            // Malformed escapes (%zz, a trailing %) make the browser's decodeURIComponent throw: refuse them the same way.
            if (c == '%' && (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))) return true;
        }
        return false;
    }
}
