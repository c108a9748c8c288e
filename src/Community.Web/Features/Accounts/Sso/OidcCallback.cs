using Community.Web.Features.Accounts.Product;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// GET /auth/oidc/start?returnUrl=… starts a sign-in at the provider; the handler answers at <c>Sso:Oidc:CallbackPath</c> and calls back
/// here. Every failure (provider down or slow, a refused token, an expired attempt) is a page that says what happened, not a 500.
/// </summary>
public static partial class OidcCallback
{
    public static IEndpointRouteBuilder MapOidcSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(OidcSettings.StartPath, StartAsync).RequireRateLimiting(RateLimits.Auth).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> StartAsync(HttpContext http, string? returnUrl, OidcSettings settings, IConfiguration configuration,
        ILogger<OidcSettings> log)
    {
        if (!settings.Enabled) return Results.NotFound();
        var properties = new AuthenticationProperties { RedirectUri = LocalUrls.LocalOr(returnUrl) };
        try
        {
            // The handler fetches the provider's metadata (and pushes the request, when the provider offers PAR) right here.
            await http.ChallengeAsync(OidcSettings.Scheme, properties);
            return Results.Empty;
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
        {
            LogStartFailed(log, e.GetType().Name, Describe(e));
            http.Response.Headers.Remove("Location");
            return ExternalSignIn.ErrorPage(http, StatusCodes.Status502BadGateway, $"{settings.ButtonName(configuration)} is not answering",
                $"We could not reach {settings.ButtonName(configuration)} to sign you in. Try again in a minute.");
        }
    }

    internal static async Task TicketReceivedAsync(TicketReceivedContext context)
    {
        var http = context.HttpContext;
        var settings = http.RequestServices.GetRequiredService<OidcSettings>();
        var configuration = http.RequestServices.GetRequiredService<IConfiguration>();
        var custom = http.RequestServices.GetRequiredService<SsoSettings>().CustomAttributes;
        context.HandleResponse(); // our own cookie, not the handler's external one
        var profile = context.Principal is null ? null : OidcClaims.ToProfile(context.Principal, settings, custom);
        var result = profile is null
            ? ExternalSignIn.ErrorPage(http, StatusCodes.Status400BadRequest, "Sign-in did not work",
                $"{settings.ButtonName(configuration)} did not say who you are (no subject claim). Nothing was changed.")
            : await ExternalSignIn.CompleteAsync(http, profile, ProductSource.Oidc, context.ReturnUri);
        await result.ExecuteAsync(http);
    }

    internal static async Task RemoteFailureAsync(RemoteFailureContext context)
    {
        var http = context.HttpContext;
        var configuration = http.RequestServices.GetRequiredService<IConfiguration>();
        var name = http.RequestServices.GetRequiredService<OidcSettings>().ButtonName(configuration);
        var log = http.RequestServices.GetRequiredService<ILogger<OidcSettings>>();
        var failure = context.Failure ?? new InvalidOperationException("unknown failure");
        LogCallbackFailed(log, failure.GetType().Name, Describe(failure));
        context.HandleResponse();
        var (status, title, detail) = Classify(failure, name);
        await ExternalSignIn.ErrorPage(http, status, title, detail).ExecuteAsync(http);
    }

    internal static (int Status, string Title, string Detail) Classify(Exception failure, string name)
    {
        if (IsUnreachable(failure))
            return (502, $"{name} is not answering", $"We could not reach {name} to finish signing you in. Try again in a minute.");
        if (Find<SecurityTokenException>(failure) is not null)
            return (400, "Sign-in refused", $"The answer from {name} could not be verified, so you were not signed in. Nothing was changed.");
        if (Find<OpenIdConnectProtocolException>(failure) is { } protocol
            && protocol.Message.Contains("access_denied", StringComparison.Ordinal))
            return (400, "Sign-in cancelled", $"{name} did not sign you in (the request was cancelled or refused).");
        // Correlation failed, a missing or tampered state: an old link, a second tab, or another browser.
        return (400, "Sign-in expired", $"This sign-in attempt expired or was started in another browser. Start again from the sign-in page.");
    }

    private static bool IsUnreachable(Exception e) =>
        Find<HttpRequestException>(e) is not null || Find<TaskCanceledException>(e) is not null || Find<TimeoutException>(e) is not null
        || (e is InvalidOperationException && e.Message.Contains("IDX20803", StringComparison.Ordinal)); // metadata could not be fetched

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (var depth = 0; e is not null && depth < 8; depth++, e = e.InnerException)
        {
            if (e is T found) return found;
        }
        return null;
    }

    // IdentityModel hides personal data and tokens in its messages by default; only the first line is logged.
    private static string Describe(Exception e)
    {
        var message = e.Message;
        var end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]) is var line && line.Length > 300 ? line[..300] : line;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in could not start ({Kind}): {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect callback refused ({Kind}): {Reason}")]
    private static partial void LogCallbackFailed(ILogger logger, string kind, string reason);
}
