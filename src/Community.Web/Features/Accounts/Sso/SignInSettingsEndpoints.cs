using System.Security.Claims;
using System.Text.Json;
using Community.Web.Features.Accounts.Product;
using Community.Web.Infrastructure.Pages;
using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// The sign-in page's buttons (GET /api/account/sign-in-options, public) and the admin's view of the sign-in set-up
/// (GET /api/admin/sign-in, page /admin/sign-in). The set-up is read from configuration and shown read-only: providers hold
/// secrets and are set where the deployment keeps its secrets (environment, a secrets store), not in the database.
/// </summary>
public static class SignInSettingsEndpoints
{
    public static IServiceCollection AddSsoSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOidcSignIn(configuration);
        services.AddSingleton<SignInSettings>();
        return services;
    }

    public static IEndpointRouteBuilder MapSsoSignIn(this IEndpointRouteBuilder app)
    {
        app.MapOidcSignIn();
        app.MapGet("/api/account/sign-in-options", (SignInSettings settings) =>
            TypedResults.Ok(new SignInOptions(settings.LocalPasswords, settings.Providers(), SignInSettings.BreakGlassUrl)))
            .WithTags("Account");
        app.MapGet("/api/account/product", ProductAccountAsync).WithTags("Account").RequireAuthorization();
        app.MapGet("/api/admin/sign-in", Describe).WithTags("Admin").RequireAuthorization(Policies.Administer);
        app.MapPage("/admin/sign-in", "admin-sign-in.html");
        return app;
    }

    /// <summary>The signed-in member's own product identity (account, plan, attributes), shown on their settings page.</summary>
    private static async Task<Results<Ok<ProductAccount>, NoContent>> ProductAccountAsync(
        ClaimsPrincipal user, UserManager<Member> users)
    {
        if (await users.GetUserAsync(user) is not { ExternalId: not null } member) return TypedResults.NoContent();
        var attributes = member.ProductAttributes is { Length: > 0 } json
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [] : [];
        return TypedResults.Ok(new ProductAccount(member.AccountId, member.AccountName, member.Plan, attributes));
    }

    private static Ok<SignInSetup> Describe(
        SignInSettings settings, OidcSettings oidc, SsoSettings sso, PublicUrls urls, IConfiguration configuration)
    {
        var oidcView = new OidcProviderView(oidc.Enabled, oidc.ButtonName(configuration), oidc.Authority, oidc.ClientId,
            oidc.ClientSecret.Length > 0, oidc.AllScopes(), urls.Absolute(oidc.CallbackPath), OidcSettings.StartPath,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["externalId"] = "sub",
                ["email"] = "email + email_verified",
                ["userName"] = "preferred_username",
                ["name"] = "name",
                ["avatarUrl"] = "picture",
                ["accountId"] = oidc.Claims.AccountId,
                ["accountName"] = oidc.Claims.AccountName,
                ["plan"] = oidc.Claims.Plan,
                ["groups"] = oidc.Claims.Groups,
            });
        var connect = new ConnectProviderView(settings.Connect is not null, settings.Connect?.Name ?? "",
            settings.Connect?.Url.AbsoluteUri ?? "", SignInSettings.ConnectStartPath);
        var custom = sso.CustomAttributes.Order(StringComparer.Ordinal)
            .Select(k => new CustomAttributeView(k, oidc.Claims.Custom.TryGetValue(k, out var claim) ? claim : k)).ToList();
        return TypedResults.Ok(new SignInSetup(Editable: false, settings.LocalPasswords, SignInSettings.BreakGlassUrl, oidcView, connect,
            sso.GroupRoles.OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase).Select(g => new GroupRoleView(g.Key, g.Value)).ToList(),
            custom));
    }
}

public sealed record ProductAccount(string? AccountId, string? AccountName, string? Plan, IReadOnlyDictionary<string, string> Attributes);

public sealed record SignInSetup(bool Editable, bool LocalPasswords, string BreakGlassUrl, OidcProviderView Oidc, ConnectProviderView Connect,
    IReadOnlyList<GroupRoleView> GroupRoles, IReadOnlyList<CustomAttributeView> CustomAttributes);

/// <summary>What the admin sees of the OpenID Connect provider: never the client secret, only whether one is set.</summary>
public sealed record OidcProviderView(bool Configured, string Name, string Authority, string ClientId, bool HasClientSecret,
    IReadOnlyList<string> Scopes, string CallbackUrl, string StartUrl, IReadOnlyDictionary<string, string> Claims);

public sealed record ConnectProviderView(bool Configured, string Name, string Url, string StartUrl);

public sealed record GroupRoleView(string Group, string Role);

public sealed record CustomAttributeView(string Key, string OidcClaim);
