using System.Net;
using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Notifications;

/// <summary>
/// /unsubscribe?token=…: the link in every notification email (RFC 8058). A mail client's one-click POST turns the token's topics
/// off without signing in; a GET only shows a page with a button, so link scanners that open every link change nothing.
/// A token that was altered, has expired or belongs to another member than the one signed in is refused, and nothing changes.
/// </summary>
public static class Unsubscribe
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/unsubscribe", (string? token, HttpContext http, UnsubscribeTokens tokens, PageLayout layout) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            if (Refusal(tokens, token, http.User) is { } refused) return Html(http, layout, refused.Status, refused.Title, refused.Detail);
            var (_, grant) = tokens.Read(token);
            var body = $"""
                <p>Stop emails about {E(Labels(grant!))}?</p>
                <form method="post" action="/unsubscribe?token={E(Uri.EscapeDataString(token!))}">
                  <input type="hidden" name="List-Unsubscribe" value="One-Click">
                  <button type="submit">Unsubscribe</button>
                </form>
                <p class="hint">You still see these in your notifications on the site. <a href="/settings/notifications">Choose what we send</a>.</p>
                """;
            return Html(http, layout, 200, "Unsubscribe", body, raw: true);
        }).ExcludeFromDescription();

        app.MapPost("/unsubscribe", async (string? token, HttpContext http, UnsubscribeTokens tokens, PageLayout layout, CommunityDb db,
            IMemberDirectory members, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            var wantsPage = http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
            if (Refusal(tokens, token, http.User) is { } refused)
            {
                return wantsPage ? Html(http, layout, refused.Status, refused.Title, refused.Detail)
                    : TypedResults.Problem(refused.Detail, statusCode: refused.Status, title: refused.Title);
            }
            var (_, grant) = tokens.Read(token);
            if (await members.FindAsync(grant!.MemberId, ct) is null)
            {
                const string gone = "The account this link was sent to no longer exists.";
                return wantsPage ? Html(http, layout, 404, "Account not found", gone) : Problems.NotFound(gone);
            }
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                foreach (var topic in grant.Topics) await NotificationStore.SetDeliveryAsync(db, grant.MemberId, topic, Deliveries.Never, ct);
                await tx.CommitAsync(ct);
            }
            return Html(http, layout, 200, "You are unsubscribed",
                $"""
                <p role="status">We will not email you about {E(Labels(grant))} any more.</p>
                <p><a href="/settings/notifications">Changed your mind? Choose what we send</a></p>
                """, raw: true);
        }).ExcludeFromDescription();
    }

    private sealed record Refused(int Status, string Title, string Detail);

    private static Refused? Refusal(UnsubscribeTokens tokens, string? token, ClaimsPrincipal user)
    {
        var (check, grant) = tokens.Read(token);
        if (check == UnsubscribeCheck.Altered)
            return new Refused(400, "This unsubscribe link does not work",
                "The link is incomplete or was changed. Open it straight from the email, or choose what we send in your settings.");
        if (check == UnsubscribeCheck.Expired)
            return new Refused(410, "This unsubscribe link has expired",
                "Unsubscribe links work for a limited time. Use the link in a newer email, or sign in and choose what we send in your settings.");
        var signedIn = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (signedIn is not null && signedIn != grant!.MemberId)
            return new Refused(403, "This link belongs to another member",
                "This unsubscribe link was sent to someone else, so it cannot change your settings. Nothing was changed.");
        return null;
    }

    private static string Labels(UnsubscribeGrant grant) =>
        string.Join("; ", grant.Topics.Select(NotificationTopics.LabelFor)).ToLowerInvariant();

    private static IResult Html(HttpContext http, PageLayout layout, int status, string title, string body, bool raw = false)
    {
        var html = layout.Render(new Page
        {
            Title = title, Name = "unsubscribe",
            Body = $"<h1>{E(title)}</h1><div class=\"card stack\">{(raw ? body : $"<p>{E(body)}</p>{SettingsLink}")}</div>",
        });
        http.Response.StatusCode = status;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    private const string SettingsLink = "<p><a href=\"/settings/notifications\">Choose what we send</a></p>";

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
