using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// How members sign in: the configured providers (OpenID Connect, Connect) and whether local passwords remain
/// (<c>Sso:LocalPasswords</c>, or the admin's choice at /admin/sign-in). With local passwords off, members sign in only through a
/// provider; admins keep a break-glass password sign-in at <see cref="BreakGlassUrl"/>, so a broken provider never locks the site's
/// owners out.
/// </summary>
public sealed class SignInSettings(IConfiguration configuration, SignInSetupStore store)
{
    public const string BreakGlassUrl = "/signin?local=1";
    public const string ConnectStartPath = "/auth/connect/start";

    public bool LocalPasswords => store.Current.LocalPasswords;

    /// <summary>The Connect (signed payload) provider: on when the product's endpoint and the shared secret are set.</summary>
    public ConnectSettings? Connect => store.Current.Connect;

    /// <summary>The buttons the sign-in page shows, in a fixed order.</summary>
    public IReadOnlyList<SignInProvider> Providers()
    {
        var setup = store.Current;
        var list = new List<SignInProvider>();
        if (setup.Oidc.Enabled) list.Add(new SignInProvider("oidc", setup.Oidc.ButtonName(configuration), OidcSettings.StartPath));
        if (setup.Connect is { } connect) list.Add(new SignInProvider("connect", connect.Name, ConnectStartPath));
        return list;
    }

    /// <summary>The product's name for "Sign in with {product}" where no single provider is meant.</summary>
    public string ProductName() => Providers() is [var first, ..] ? first.Name : store.Current.Sso.ProductName(Product.ProductSource.Sync);
}

public sealed record SignInProvider(string Id, string Name, string Url);

public sealed record SignInOptions(bool LocalPasswords, IReadOnlyList<SignInProvider> Providers, string BreakGlassUrl, string ProductName);

/// <summary>
/// With local passwords off, password sign-in is for admins only (break-glass) and nobody signs up with a password.
/// The refusal is the same for unknown addresses and members, after the same password-hash work, so it tells no one who is an admin.
/// </summary>
internal static class LocalPasswordGate
{
    private const string Off = "Password sign-in is turned off here: use the Continue with … button on the sign-in page.";

    public static async ValueTask<object?> SignInAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var services = context.HttpContext.RequestServices;
        if (services.GetRequiredService<SignInSettings>().LocalPasswords) return await next(context);
        var request = context.Arguments.OfType<SignInRequest>().FirstOrDefault();
        var users = services.GetRequiredService<UserManager<Member>>();
        var member = string.IsNullOrWhiteSpace(request?.Email) ? null : await users.FindByEmailAsync(request.Email.Trim());
        if (member is not null && await users.IsInRoleAsync(member, Roles.Admin)) return await next(context);
        services.GetRequiredService<SignInAttempts>().HashForUnknown(users.PasswordHasher, request?.Password ?? "");
        return Refused();
    }

    public static async ValueTask<object?> SignUpAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.RequestServices.GetRequiredService<SignInSettings>().LocalPasswords ? await next(context) : Refused();

    private static ProblemHttpResult Refused() => TypedResults.Problem(Off, statusCode: StatusCodes.Status403Forbidden,
        title: "Password sign-in is off", extensions: new Dictionary<string, object?> { ["code"] = "local_passwords_off" });
}
