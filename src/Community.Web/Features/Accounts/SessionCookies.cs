using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Community.Web.Features.Accounts;

/// <summary>Puts the member's session version into every sign-in cookie.</summary>
internal sealed class MemberClaimsFactory(UserManager<Member> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Member, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Member user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(SessionClaims.Version, user.SessionVersion.ToString(CultureInfo.InvariantCulture)));
        return identity;
    }
}

/// <summary>Gives each sign-in a session id, and keeps it when the same session's cookie is reissued (profile or password change).</summary>
internal sealed class MemberSignInManager(UserManager<Member> users, IHttpContextAccessor context, IUserClaimsPrincipalFactory<Member> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<Member>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<Member> confirmation, SessionDirectory directory)
    : SignInManager<Member>(users, context, claims, options, logger, schemes, confirmation)
{
    /// <summary>A member the product deactivated gets no session, whatever the way in (password, passkey, external).</summary>
    public override async Task<bool> CanSignInAsync(Member user) => user.DeactivatedAt is null && await base.CanSignInAsync(user);

    public override Task SignInWithClaimsAsync(Member user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        // The new cookie is built from the database; this server's cached state is re-read with it rather than trusted.
        directory.Forget(user.Id);
        var all = additionalClaims.ToList();
        if (!all.Exists(c => c.Type == SessionClaims.Id))
        {
            var current = Context.User;
            var kept = current.FindFirstValue(ClaimTypes.NameIdentifier) == user.Id ? current.FindFirstValue(SessionClaims.Id) : null;
            all.Add(new Claim(SessionClaims.Id, kept ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))));
        }
        return base.SignInWithClaimsAsync(user, authenticationProperties, all);
    }
}

/// <summary>
/// Checks every signed-in request against the member's current session state (held in memory by <see cref="SessionDirectory"/>):
/// an old session version or a signed-out session is refused, and changed roles replace the cookie's at once.
/// </summary>
internal static class SessionValidation
{
    public static void Configure(CookieAuthenticationOptions options)
    {
        var stamp = options.Events.OnValidatePrincipal; // Identity's periodic security-stamp check stays as a backstop
        options.Events.OnValidatePrincipal = async context =>
        {
            await ValidateAsync(context);
            if (context.Principal is not null) await stamp(context);
        };
    }

    public static void KeepSessionId(SecurityStampValidatorOptions options) => options.OnRefreshingPrincipal = context =>
    {
        if (context.CurrentPrincipal?.FindFirst(SessionClaims.Id) is { } sid && context.NewPrincipal?.Identity is ClaimsIdentity identity
            && identity.FindFirst(SessionClaims.Id) is null)
        {
            identity.AddClaim(new Claim(SessionClaims.Id, sid.Value));
        }
        return Task.CompletedTask;
    };

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is not { } memberId) return;
        var directory = context.HttpContext.RequestServices.GetRequiredService<SessionDirectory>();
        var session = await directory.GetAsync(memberId, context.HttpContext.RequestAborted);
        var version = int.TryParse(context.Principal.FindFirstValue(SessionClaims.Version), out var v) ? v : -1;
        if (!session.Allows(context.Principal.FindFirstValue(SessionClaims.Id), version))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }
        var identity = (ClaimsIdentity)context.Principal.Identity!;
        var roles = identity.FindAll(identity.RoleClaimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        if (roles.SetEquals(session.Roles)) return;
        var updated = new ClaimsIdentity(identity.Claims.Where(c => c.Type != identity.RoleClaimType), identity.AuthenticationType,
            identity.NameClaimType, identity.RoleClaimType);
        foreach (var role in session.Roles) updated.AddClaim(new Claim(identity.RoleClaimType, role));
        context.ReplacePrincipal(new ClaimsPrincipal(updated));
        context.ShouldRenew = true; // the browser gets a cookie with the current roles
    }
}
