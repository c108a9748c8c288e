using System.Text.Encodings.Web;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Security;

namespace Community.Web.Features.Referrals;

/// <summary>
/// GET /r/{code}: the hot path. A cached code lookup, one enqueue, two cookies and a redirect — no database write
/// while the visitor waits. Unknown, disabled and expired codes get a friendly page that still leads to sign-up.
/// </summary>
internal static class RedirectEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/r/{code}", Handle).ExcludeFromDescription();

    private static async Task<IResult> Handle(string code, HttpContext http, CodeDirectory codes, ProgramStore programs, ClickBuffer clicks,
        IpHasher ips, TimeProvider clock, PageLayout layout, CancellationToken ct)
    {
        var info = await codes.FindAsync(code, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var problem = info is null ? "unknown" : info.Unusable(now);
        if (problem is not null) return Friendly(http, layout, problem);

        var program = await programs.GetAsync(ct);
        var device = ReferralCookies.EnsureDevice(http);
        // Checked again here: a landing URL saved before the check existed must not send visitors somewhere unchecked.
        var landing = !LocalUrls.IsSafeLanding(program.LandingUrl)
            ? "/signup?ref=" + Uri.EscapeDataString(info!.Code)
            : program.LandingUrl + (program.LandingUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?")
                + "ref=" + Uri.EscapeDataString(info!.Code);
        var query = http.Request.Query;
        await clicks.RecordAsync(new ReferralClick
        {
            CodeId = info.Id,
            At = now,
            Landing = Cut(landing, 500),
            Referrer = Cut(http.Request.Headers.Referer.ToString(), 500),
            UtmSource = Cut(query["utm_source"].ToString(), 100),
            UtmMedium = Cut(query["utm_medium"].ToString(), 100),
            UtmCampaign = Cut(query["utm_campaign"].ToString(), 100),
            UserAgentFamily = UserAgentFamily(http.Request.Headers.UserAgent.ToString()),
            IpHash = await ips.HashAsync(http.Connection.RemoteIpAddress, ct),
            DeviceId = device,
        }, ct);

        // First touch keeps the earliest code inside the window; last touch lets the newest link win.
        if (program.LastTouch || !http.Request.Cookies.ContainsKey(ReferralCookies.Attribution))
        {
            http.Response.Cookies.Append(ReferralCookies.Attribution, info.Code, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, IsEssential = true, Path = "/",
                MaxAge = TimeSpan.FromDays(Math.Clamp(program.AttributionDays, 1, 365)),
            });
        }
        http.Response.Headers.CacheControl = "no-store";
        clicks.Redirected();
        return Results.Redirect(landing);
    }

    private static IResult Friendly(HttpContext http, PageLayout layout, string problem)
    {
        var (title, text) = problem switch
        {
            "expired" => ("This invite has expired", "The link you followed has expired, but you're still welcome to join."),
            "exhausted" => ("This invite has been used up", "Every place on this invite has been taken, but you're still welcome to join."),
            _ => ("We couldn't find that invite", "The link you followed isn't active any more (or has a typo), but you're still welcome to join."),
        };
        var body = $"""
            <section class="card narrow referral-missing" aria-labelledby="missing-title">
              <h1 id="missing-title">{HtmlEncoder.Default.Encode(title)}</h1>
              <p>{HtmlEncoder.Default.Encode(text)}</p>
              <p><a class="button" href="/signup">Join the community</a></p>
              <p class="muted">If a friend sent you this link, ask them for their current link or code.</p>
            </section>
            """;
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        http.Response.Headers.CacheControl = "no-store";
        var page = new Page { Title = title, Body = body, Name = "referral-missing", Head = "<meta name=\"robots\" content=\"noindex\">" };
        return Results.Content(layout.Render(page), "text/html; charset=utf-8", statusCode: 404);
    }

    private static string? Cut(string? value, int max) => string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];

    internal static string UserAgentFamily(string ua)
    {
        if (ua.Length == 0) return "unknown";
        if (ua.Contains("bot", StringComparison.OrdinalIgnoreCase) || ua.Contains("crawl", StringComparison.OrdinalIgnoreCase)
            || ua.Contains("spider", StringComparison.OrdinalIgnoreCase)) return "bot";
        if (ua.Contains("Edg/", StringComparison.Ordinal)) return "edge";
        if (ua.Contains("OPR/", StringComparison.Ordinal)) return "opera";
        if (ua.Contains("Firefox/", StringComparison.Ordinal)) return "firefox";
        if (ua.Contains("Chrome/", StringComparison.Ordinal) || ua.Contains("Chromium/", StringComparison.Ordinal)) return "chrome";
        if (ua.Contains("Safari/", StringComparison.Ordinal)) return "safari";
        if (ua.Contains("curl", StringComparison.OrdinalIgnoreCase) || ua.Contains("wrk", StringComparison.OrdinalIgnoreCase)) return "tool";
        return "other";
    }
}
