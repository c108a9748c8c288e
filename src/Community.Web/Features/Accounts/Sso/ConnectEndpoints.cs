using System.Security.Cryptography;
using Community.Web.Data;
using Community.Web.Features.Accounts.Product;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>The Connect settings (Sso:Connect:Url, Secret, Name); null when Connect is not set up.</summary>
public sealed record ConnectSettings(Uri Url, string Secret, string Name)
{
    public const int SecretMin = 10;

    public static ConnectSettings? From(IConfiguration configuration)
    {
        var secret = configuration["Sso:Connect:Secret"];
        if (!Uri.TryCreate(configuration["Sso:Connect:Url"], UriKind.Absolute, out var url) || secret is null || secret.Length < SecretMin)
            return null;
        return new ConnectSettings(url, secret, configuration["Sso:Connect:Name"] ?? "your product");
    }
}

/// <summary>
/// GET /auth/connect/start sends the browser to the product with a signed nonce; GET /auth/connect/callback checks the
/// product's signed answer (signature, then the nonce: single-use, 10 minutes, and started in this same browser so nobody
/// can sign a victim into the attacker's account by sending them a link) and signs the member in.
/// </summary>
public static class ConnectEndpoints
{
    public const string CookieName = "community.connect";
    public static readonly TimeSpan NonceLifetime = TimeSpan.FromMinutes(10);

    public static IEndpointRouteBuilder MapConnect(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/auth/connect").ExcludeFromDescription().RequireRateLimiting(RateLimits.Auth);
        group.MapGet("/start", StartAsync);
        group.MapGet("/callback", CallbackAsync);
        return app;
    }

    private static async Task<IResult> StartAsync(HttpContext http, string? returnUrl, CommunityDb db, SignInSetupStore setup,
        PublicUrls urls, TimeProvider clock)
    {
        if (setup.Current.Connect is not { } connect)
            return ExternalSignIn.ErrorPage(http, 404, "Connect is not set up", "Signing in through the product is not configured here.");
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = clock.GetUtcNow();
        await using (var tx = await db.BeginWriteAsync(http.RequestAborted))
        {
            // Abandoned sign-ins leave their nonce behind: each new one sweeps the expired (an index range scan).
            var nowUtc = now.UtcDateTime;
            await db.Set<ConnectNonce>().Where(n => n.ExpiresAt <= nowUtc).ExecuteDeleteAsync(http.RequestAborted);
            var back = LocalUrls.IsLocal(returnUrl) ? returnUrl : "/";
            db.Add(new ConnectNonce { Nonce = nonce, ReturnUrl = back, ExpiresAt = (now + NonceLifetime).UtcDateTime });
            await db.SaveChangesAsync(http.RequestAborted);
            await tx.CommitAsync(http.RequestAborted);
        }
        http.Response.Cookies.Append(CookieName, nonce, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax, // sent on the product's top-level redirect back, not on cross-site subrequests
            Secure = urls.Base.StartsWith("https:", StringComparison.Ordinal),
            Path = "/auth/connect",
            MaxAge = NonceLifetime,
        });
        var payload = ConnectProtocol.Encode([new("nonce", nonce), new("return_sso_url", urls.Absolute("/auth/connect/callback"))]);
        var separator = string.IsNullOrEmpty(connect.Url.Query) ? "?" : "&";
        http.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(connect.Url.AbsoluteUri + separator + "sso=" + Uri.EscapeDataString(payload)
            + "&sig=" + ConnectProtocol.Sign(connect.Secret, payload));
    }

    private static async Task<IResult> CallbackAsync(HttpContext http, CommunityDb db, SignInSetupStore setup, TimeProvider clock,
        ILogger<ConnectNonce> log)
    {
        // Read per request: a secret the admin changed is used from the next answer on.
        if (setup.Current.Connect is not { } connect)
            return ExternalSignIn.ErrorPage(http, 404, "Connect is not set up", "Signing in through the product is not configured here.");
        var title = $"Signing in with {connect.Name} did not work";
        IResult Refuse(string reason, string detail)
        {
            log.SignInRefused(ProductSource.Connect, reason);
            return ExternalSignIn.ErrorPage(http, 400, title, detail + " Nothing was changed; please start again.");
        }

        string? sso = http.Request.Query["sso"], sig = http.Request.Query["sig"];
        if (string.IsNullOrEmpty(sso) || string.IsNullOrEmpty(sig)) return Refuse("payload or signature missing", "The answer is incomplete.");
        if (sso.Length > ConnectProtocol.MaxPayloadChars || sig.Length > 128) return Refuse("payload too large", "The answer is too large.");
        if (!ConnectProtocol.Verify(connect.Secret, sso, sig)) return Refuse("bad signature", "The answer's signature is not valid.");
        if (ConnectProtocol.Decode(sso) is not { } fields) return Refuse("payload not base64 text", "The answer could not be read.");
        if (!fields.TryGetValue("nonce", out var nonce) || nonce.Length is 0 or > ConnectNonce.Length)
            return Refuse("nonce missing", "The answer does not belong to a sign-in started here.");
        if (!string.Equals(http.Request.Cookies[CookieName], nonce, StringComparison.Ordinal))
            return Refuse("nonce from another browser", "This sign-in was started in another browser or has already finished.");
        var profile = ConnectProtocol.ToProfile(fields);
        if (string.IsNullOrWhiteSpace(profile.ExternalId)) return Refuse("external_id missing", "The answer does not say who you are.");
        var errors = ProductProfileRules.Check(profile);
        if (errors.Any) return Refuse("invalid profile: " + ProductProfileRules.Describe(errors),
            $"The answer holds values we cannot accept ({ProductProfileRules.Describe(errors)}).");

        ConnectNonce? pending;
        int deleted;
        await using (var tx = await db.BeginWriteAsync(http.RequestAborted))
        {
            pending = await db.Set<ConnectNonce>().AsNoTracking().FirstOrDefaultAsync(n => n.Nonce == nonce, http.RequestAborted);
            // The delete decides who uses the nonce: of two answers racing on any servers, only one removes the row.
            deleted = await db.Set<ConnectNonce>().Where(n => n.Nonce == nonce).ExecuteDeleteAsync(http.RequestAborted);
            await tx.CommitAsync(http.RequestAborted);
        }
        if (pending is null || deleted == 0) return Refuse("nonce unknown or used", "This sign-in has already been used.");
        if (pending.ExpiresAt <= clock.GetUtcNow().UtcDateTime) return Refuse("nonce expired", "This sign-in took too long (over 10 minutes).");
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/auth/connect" });
        return await ExternalSignIn.CompleteAsync(http, profile, ProductSource.Connect, pending.ReturnUrl);
    }
}
