namespace Community.Web.Infrastructure.Security;

/// <summary>Strict browser policy on every response: no inline script, no framing, no MIME sniffing.</summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
        "font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; manifest-src 'self'";

    /// <summary>/api/docs only: Scalar starts itself with one inline module script carrying a fresh nonce, and styles itself inline.</summary>
    public static string ApiDocsPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private static string? ScalarNonce(HttpContext context) =>
        context.Items.TryGetValue(Scalar.AspNetCore.ScalarOptions.NonceHttpContextItemKey, out var n) && n is string { Length: > 0 } nonce ? nonce : null;

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var framers = app.ApplicationServices.GetService<EmbedFrameAncestors>()?.Origins ?? [];
        var embedPolicy = ContentSecurityPolicy.Replace("frame-ancestors 'none'",
            "frame-ancestors " + (framers.Count == 0 ? "'none'" : string.Join(' ', framers)), StringComparison.Ordinal);
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                // Only /embed/* may be framed, by the product's origins; X-Frame-Options has no allow-list, so it is left off there.
                var embed = context.Request.Path.StartsWithSegments("/embed", StringComparison.OrdinalIgnoreCase);
                headers.ContentSecurityPolicy = embed ? embedPolicy
                    : context.Request.Path.StartsWithSegments("/api/docs") && ScalarNonce(context) is { } nonce ? ApiDocsPolicy(nonce)
                    : ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                if (!embed) headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}

/// <summary>Origins allowed to frame <c>/embed/*</c> (each exactly <c>scheme://host[:port]</c>, registered by the embed feature).</summary>
public sealed record EmbedFrameAncestors(IReadOnlyList<string> Origins);
