using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Community.Web.Infrastructure.Pages;

/// <summary>
/// The site's own absolute address, for every link that is read away from the page: mails, QR codes, the referral dashboard,
/// robots.txt, the sitemap, the feed, canonical and OpenGraph tags, JSON-LD. It never comes from the request's Host header,
/// which any client can set: it is <c>Site:PublicBaseUrl</c> (required outside Development), else the address the server listens on.
/// </summary>
public sealed class PublicUrls(SiteOptions site, IServer server)
{
    private string? _base;

    /// <summary>The base URL without a trailing slash, e.g. https://community.example.com.</summary>
    public string Base => _base ?? Resolve();

    /// <summary>The absolute URL of a site path (which starts with '/').</summary>
    public string Absolute(string path) => Base + path;

    /// <summary>
    /// The sign-in cookie is Secure whenever the public address is https, even when the TLS proxy in front is not trusted for
    /// X-Forwarded-Proto and the app itself only sees plain http. (Not for the antiforgery cookie: it refuses to be issued
    /// over plain http when Secure is forced, and it is a token, not a credential.)
    /// </summary>
    public static CookieSecurePolicy CookiePolicy(IConfiguration configuration) =>
        (configuration["Site:PublicBaseUrl"] ?? "").Trim().StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            ? CookieSecurePolicy.Always
            : CookieSecurePolicy.SameAsRequest;

    /// <summary>Why the server must not start (the public address is missing outside Development, or malformed), or null.</summary>
    public static string? Refusal(SiteOptions site, IHostEnvironment env)
    {
        var configured = site.PublicBaseUrl.Trim();
        if (configured.Length == 0)
        {
            if (env.IsDevelopment() || env.IsEnvironment("Testing")) return null;
            return
                "Site:PublicBaseUrl is required outside Development: set it to the address people use to reach the site, e.g. " +
                "Site__PublicBaseUrl=https://community.example.com. Links in mails, feeds and QR codes are built from it, never from " +
                "the request's Host header. (./run.sh sets it to http://127.0.0.1:PORT.)";
        }
        if (!Uri.TryCreate(configured, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.AbsolutePath != "/")
        {
            return $"Site:PublicBaseUrl '{configured}' is not a site address: use scheme and host only, e.g. https://community.example.com.";
        }
        site.PublicBaseUrl = configured.TrimEnd('/');
        return null;
    }

    private string Resolve()
    {
        if (site.PublicBaseUrl.Length > 0) return _base = site.PublicBaseUrl.TrimEnd('/');
        // Development and tests: the address Kestrel actually bound (port 0 becomes the real port), wildcards as localhost.
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || !Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return "http://localhost"; // not cached: the server has not bound its address yet
        }
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return _base = uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
