using System.Security.Claims;
using System.Text.Json;
using Community.Web.Features.Accounts.Product;
using Community.Web.Infrastructure.Pages;
using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// The sign-in page's buttons (GET /api/account/sign-in-options, public) and the admin's view of the sign-in set-up
/// (GET /api/admin/sign-in, page /admin/sign-in) and its edits (PUT, <see cref="SignInSetupEdit"/>). Parts set by configuration
/// are shown locked; secrets are never sent back, only whether one is set.
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
        app.MapGet("/api/account/sign-in-options", (SignInSettings settings) => TypedResults.Ok(
                new SignInOptions(settings.LocalPasswords, settings.Providers(), SignInSettings.BreakGlassUrl, settings.ProductName())))
            .WithTags("Account");
        app.MapGet("/api/account/product", ProductAccountAsync).WithTags("Account").RequireAuthorization();
        app.MapGet("/api/admin/sign-in", (IServiceProvider services) => TypedResults.Ok(DescribeSetup(services)))
            .WithTags("Admin").RequireAuthorization(Policies.Administer);
        app.MapPut("/api/admin/sign-in", SignInSetupEdit.SaveAsync).WithTags("Admin").RequireAuthorization(Policies.Administer);
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

    internal static SignInSetup DescribeSetup(IServiceProvider services)
    {
        var store = services.GetRequiredService<SignInSetupStore>();
        var configuration = services.GetRequiredService<IConfiguration>();
        var urls = services.GetRequiredService<PublicUrls>();
        var setup = store.Current;
        var oidc = setup.Oidc;
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
            })
        {
            DisplayName = oidc.DisplayName,
            ExtraScopes = string.Join(' ', oidc.AllScopes().Skip(3)),
        };
        var connect = new ConnectProviderView(setup.Connect is not null, setup.Connect?.Name ?? "",
            setup.Connect?.Url.AbsoluteUri ?? "", SignInSettings.ConnectStartPath) { HasSecret = setup.Connect is not null };
        var sso = setup.Sso;
        var custom = sso.CustomAttributes.Order(StringComparer.Ordinal)
            .Select(k => new CustomAttributeView(k, oidc.Claims.Custom.TryGetValue(k, out var claim) ? claim : k)).ToList();
        var locks = setup.Locks;
        var editable = !(locks.LocalPasswords && locks.Oidc && locks.Connect && locks.GroupRoles && locks.CustomAttributes);
        return new SignInSetup(editable, setup.LocalPasswords, SignInSettings.BreakGlassUrl, oidcView, connect,
            sso.GroupRoles.OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase).Select(g => new GroupRoleView(g.Key, g.Value)).ToList(),
            custom)
        { Locks = locks, UpdatedAt = setup.UpdatedAt };
    }
}

public sealed record ProductAccount(string? AccountId, string? AccountName, string? Plan, IReadOnlyDictionary<string, string> Attributes);

public sealed record SignInSetup(bool Editable, bool LocalPasswords, string BreakGlassUrl, OidcProviderView Oidc, ConnectProviderView Connect,
    IReadOnlyList<GroupRoleView> GroupRoles, IReadOnlyList<CustomAttributeView> CustomAttributes)
{
    /// <summary>The parts configuration sets (read-only here).</summary>
    public SignInLocks? Locks { get; init; }
    public DateTime? UpdatedAt { get; init; }
}

/// <summary>What the admin sees of the OpenID Connect provider: never the client secret, only whether one is set.</summary>
public sealed record OidcProviderView(bool Configured, string Name, string Authority, string ClientId, bool HasClientSecret,
    IReadOnlyList<string> Scopes, string CallbackUrl, string StartUrl, IReadOnlyDictionary<string, string> Claims)
{
    /// <summary>The name as entered (empty: the button falls back to Sso:Oidc:Name or Sso:ProductName).</summary>
    public string DisplayName { get; init; } = "";
    /// <summary>The scopes asked for on top of openid, email and profile, as an edit form shows them.</summary>
    public string ExtraScopes { get; init; } = "";
}

public sealed record ConnectProviderView(bool Configured, string Name, string Url, string StartUrl)
{
    public bool HasSecret { get; init; }
}

public sealed record GroupRoleView(string Group, string Role);

public sealed record CustomAttributeView(string Key, string OidcClaim);
