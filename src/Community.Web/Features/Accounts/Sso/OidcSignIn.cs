using Community.Web.Infrastructure.Pages;
using Microsoft.AspNetCore.Authentication;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// Sign-in with a generic OpenID Connect provider: authorization code with PKCE, the id_token's signature, issuer, audience,
/// lifetime and nonce checked by Microsoft's handler, then the member is matched or created by <c>ExternalSignIn</c>.
/// The handler's own external cookie is never written: the ticket is turned into our usual sign-in cookie at once.
/// The handler is always registered; its options are built from the set-up in force (<see cref="SignInSetupStore"/>), which
/// adds or removes the scheme and drops the cached options whenever an admin saves a change.
/// </summary>
public static class OidcSignIn
{
    public static IServiceCollection AddOidcSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SignInSetupStore>();
        services.AddHostedService(sp => sp.GetRequiredService<SignInSetupStore>());
        services.AddTransient(sp => sp.GetRequiredService<SignInSetupStore>().Current.Oidc);
        services.AddTransient(sp => sp.GetRequiredService<SignInSetupStore>().Current.Sso);
        var cookiePolicy = PublicUrls.CookiePolicy(configuration);
        services.AddAuthentication().AddOpenIdConnect(OidcSettings.Scheme, _ => { });
        services.AddOptions<OpenIdConnectOptions>(OidcSettings.Scheme).Configure<SignInSetupStore>((o, store) =>
            Configure(o, store.Current.Oidc, cookiePolicy));
        return services;
    }

    private static void Configure(OpenIdConnectOptions o, OidcSettings settings, CookieSecurePolicy cookiePolicy)
    {
        var timeout = TimeSpan.FromSeconds(Math.Clamp(settings.TimeoutSeconds, 1, 60));
        o.Authority = settings.Authority;
        o.ClientId = settings.ClientId;
        o.ClientSecret = settings.ClientSecret.Length > 0 ? settings.ClientSecret : null;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        // The answer comes back as a top-level GET, so SameSite=Lax correlation and nonce cookies ride along (a form_post from
        // the provider's origin would need SameSite=None); the code is useless without the PKCE verifier and client secret.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.Scope.Clear();
        foreach (var scope in settings.AllScopes()) o.Scope.Add(scope);
        o.CallbackPath = settings.CallbackPath;
        o.SignInScheme = IdentityConstants.ExternalScheme;
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = true; // many providers (and oidc-provider) release profile claims only there
        o.ClaimActions.MapAll();
        o.SaveTokens = false;
        o.DisableTelemetry = true;
        o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        o.BackchannelTimeout = timeout;
        o.BackchannelHttpHandler = OutboundGuard.CreateHandler(settings.AllowPrivateAddresses, timeout);
        o.CorrelationCookie.Name = "community.oidc.correlation.";
        o.NonceCookie.Name = "community.oidc.nonce.";
        foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = cookiePolicy;
            cookie.HttpOnly = true;
        }
        o.Events = new OpenIdConnectEvents
        {
            OnRedirectToIdentityProvider = ctx =>
            {
                // Never from the request's Host header: the registered redirect URI is our public address.
                var urls = ctx.HttpContext.RequestServices.GetRequiredService<PublicUrls>();
                ctx.ProtocolMessage.RedirectUri = urls.Absolute(settings.CallbackPath);
                return Task.CompletedTask;
            },
            OnTicketReceived = OidcCallback.TicketReceivedAsync,
            OnRemoteFailure = OidcCallback.RemoteFailureAsync,
        };
    }
}
