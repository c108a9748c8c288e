using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Referrals;

/// <summary>
/// GET /embed/refer?token=…&amp;theme=light|dark: the advocate panel the product shows in an iframe. It is a third-party frame,
/// so it never relies on the Community session cookie: the product's short-lived token says who is looking.
/// Only /embed/* may be framed, and only by <c>Embed:AllowedOrigins</c> (see SecurityHeaders).
/// </summary>
internal static class ShowEmbedPanel
{
    public const string Path = "/embed/refer";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(Path, Handle).ExcludeFromDescription();

    private const string Html = "text/html; charset=utf-8";

    /// <summary>A known token and a cached panel complete without an await: the hot path allocates no task.</summary>
    private static ValueTask<IResult> Handle(HttpContext http, EmbedTokens tokens, EmbedPanels panels, AssetUrls assets, string? token,
        string? theme, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var dark = string.Equals(theme, "dark", StringComparison.OrdinalIgnoreCase);
        var who = tokens.ResolveAsync(token, ct);
        return who.IsCompletedSuccessfully ? ShowFor(who.Result, panels, assets, dark, ct) : ResolveThenShowAsync(who, panels, assets, dark, ct);
    }

    private static ValueTask<IResult> ShowFor(EmbedIdentity who, EmbedPanels panels, AssetUrls assets, bool dark, CancellationToken ct)
    {
        if (who.Refusal != EmbedRefusal.None) return new(Refused(assets, dark, who.Refusal));
        var panel = panels.GetAsync(who.MemberId, ct);
        return panel.IsCompletedSuccessfully ? new(Show(panel.Result, dark)) : AwaitPanelAsync(panel, dark);
    }

    private static async ValueTask<IResult> ResolveThenShowAsync(ValueTask<EmbedIdentity> resolving, EmbedPanels panels, AssetUrls assets,
        bool dark, CancellationToken ct) => await ShowFor(await resolving, panels, assets, dark, ct);

    private static async ValueTask<IResult> AwaitPanelAsync(ValueTask<EmbedPanel> panel, bool dark) => Show(await panel, dark);

    private static IResult Show(EmbedPanel panel, bool dark) => Results.Bytes(dark ? panel.DarkPage : panel.LightPage, Html);

    private static IResult Refused(AssetUrls assets, bool dark, EmbedRefusal refusal)
    {
        var (status, title, detail) = Explain(refusal);
        return Results.Content(Page(assets, dark, title, Error(title, detail)), Html, Encoding.UTF8, status);
    }

    internal static byte[] PanelPage(AssetUrls assets, bool dark, EmbedPanel panel, string baseUrl) =>
        Encoding.UTF8.GetBytes(Page(assets, dark, "Refer a friend", Body(panel, baseUrl)));

    internal static (int Status, string Title, string Detail) Explain(EmbedRefusal refusal) => refusal switch
    {
        EmbedRefusal.Missing => (400, "Sign-in token missing", "This panel needs a token from the product. Reload the page to get one."),
        EmbedRefusal.Expired => (401, "Sign-in token expired", "This panel was open for too long. Reload the page to see it again."),
        EmbedRefusal.TooLong => (401, "Sign-in token refused", "The token may live at most 10 minutes. Ask the product team to shorten it."),
        EmbedRefusal.UnknownMember => (404, "Community account not found",
            "Your product account is not linked to a community member yet. Sign in to the community once, then reload."),
        EmbedRefusal.Disabled => (404, "Referral panel not available", "The referral panel is not set up on this community."),
        _ => (401, "Sign-in token refused", "This panel could not confirm who you are. Reload the page to try again."),
    };

    private static string Body(EmbedPanel panel, string baseUrl)
    {
        var h = HtmlEncoder.Default;
        var f = panel.Funnel;
        var b = panel.Balances;
        return $"""
            <h1>Refer a friend, earn credits</h1>
            <div class="link-row">
              <label for="link">Your referral link</label>
              <div class="copy-row"><input id="link" readonly value="{h.Encode(panel.Link)}"><button type="button" id="copy">Copy</button></div>
              <p class="status" id="copy-status" role="status" aria-live="polite"></p>
            </div>
            <div class="columns">
              <img class="qr" width="132" height="132" alt="QR code for your referral link" src="{panel.QrDataUri}">
              <div>
                <h2>Your referrals</h2>
                <ol class="funnel" aria-label="Clicks, sign-ups and conversions">
                  <li><span class="n" data-testid="clicks">{N(f.Clicks)}</span> clicks</li>
                  <li><span class="n" data-testid="signups">{N(f.Signups)}</span> sign-ups</li>
                  <li><span class="n" data-testid="conversions">{N(f.Conversions)}</span> conversions</li>
                </ol>
                <h2>Your credits</h2>
                <dl class="credits">
                  <div><dt>Available</dt><dd data-testid="available">{N(b.Available)}</dd></div>
                  <div><dt>Pending</dt><dd>{N(b.Pending)}</dd></div>
                  <div><dt>Earned in total</dt><dd>{N(b.Lifetime)}</dd></div>
                </dl>
              </div>
            </div>
            <p class="more"><a href="{h.Encode(baseUrl)}/refer" target="_blank" rel="noopener">Open your referral dashboard</a></p>
            """;
    }

    private static string Error(string title, string detail)
    {
        var h = HtmlEncoder.Default;
        return $"""<div class="error" role="alert"><h1>{h.Encode(title)}</h1><p>{h.Encode(detail)}</p></div>""";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Page(AssetUrls assets, bool dark, string title, string body) => $"""
        <!doctype html>
        <html lang="en" data-theme="{(dark ? "dark" : "light")}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{HtmlEncoder.Default.Encode(title)}</title>
        <link rel="stylesheet" href="{assets.Get("css/embed.css")}">
        <script type="module" src="{assets.Get("js/embed/panel.js")}"></script>
        </head>
        <body><main class="panel">
        {body}
        </main></body>
        </html>
        """;
}
