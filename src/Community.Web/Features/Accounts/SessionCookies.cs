using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Community.Web.Features.Accounts;

/// <summary>Puts the member's session version (and product plan and account) into every sign-in cookie.</summary>
internal sealed class MemberClaimsFactory(UserManager<Member> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Member, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Member user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(SessionClaims.Version, user.SessionVersion.ToString(CultureInfo.InvariantCulture)));
        // Category segments are checked on every forum read: the cookie carries the segment so no read costs a query.
        if (!string.IsNullOrEmpty(user.Plan)) identity.AddClaim(new Claim(ProductClaims.Plan, user.Plan));
        if (!string.IsNullOrEmpty(user.AccountId)) identity.AddClaim(new Claim(ProductClaims.AccountId, user.AccountId));
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
        // This runs first on the principal the cookie decrypted to, so the facts the ticket cache read from it still hold.
        if ((context.Properties.GetParameter<SessionFacts>(SessionFacts.Key) ?? SessionFacts.Read(context.Principal)) is not { } facts) return;
        var directory = context.HttpContext.RequestServices.GetRequiredService<SessionDirectory>();
        var session = await directory.GetAsync(facts.MemberId, context.HttpContext.RequestAborted);
        if (!session.Allows(facts.SessionId, facts.Version))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }
        if (facts.HasRolesOf(session)) return;
        var identity = (ClaimsIdentity)context.Principal!.Identity!;
        var updated = new ClaimsIdentity(identity.Claims.Where(c => c.Type != identity.RoleClaimType && c.Type is not (ProductClaims.Plan
            or ProductClaims.AccountId)), identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType);
        foreach (var role in session.Roles) updated.AddClaim(new Claim(identity.RoleClaimType, role));
        if (!string.IsNullOrEmpty(session.Segment.Plan)) updated.AddClaim(new Claim(ProductClaims.Plan, session.Segment.Plan));
        if (!string.IsNullOrEmpty(session.Segment.AccountId)) updated.AddClaim(new Claim(ProductClaims.AccountId, session.Segment.AccountId));
        context.ReplacePrincipal(new ClaimsPrincipal(updated));
        context.Properties.Parameters.Remove(SessionFacts.Key); // they describe the principal just replaced
        context.ShouldRenew = true; // the browser gets a cookie with the current roles
    }
}

/// <summary>
/// What the session check needs from a cookie's claims (member, session id and version, roles), read once per decrypted
/// cookie by <see cref="CookieTicketCache"/> and carried in the ticket's (never serialised) parameters.
/// </summary>
internal sealed class SessionFacts
{
    public const string Key = "community.session-facts";
    private MemberSession? _sameRoles; // the last session state whose roles matched: the common case costs a reference compare

    private SessionFacts(string memberId, string? sessionId, int version, IReadOnlySet<string> roles, MemberSegment segment) =>
        (MemberId, SessionId, Version, Roles, Segment) = (memberId, sessionId, version, roles, segment);

    public string MemberId { get; }
    public string? SessionId { get; }
    public int Version { get; }
    public IReadOnlySet<string> Roles { get; }
    public MemberSegment Segment { get; }

    public static SessionFacts? Read(ClaimsPrincipal? principal)
    {
        if (principal?.FindFirstValue(ClaimTypes.NameIdentifier) is not { } memberId) return null;
        if (principal.Identity is not ClaimsIdentity identity) return null;
        var version = int.TryParse(principal.FindFirstValue(SessionClaims.Version), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : -1;
        var roles = identity.FindAll(identity.RoleClaimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new SessionFacts(memberId, principal.FindFirstValue(SessionClaims.Id), version, roles, ProductClaims.SegmentOf(principal));
    }

    public static void Attach(AuthenticationTicket ticket)
    {
        if (Read(ticket.Principal) is { } facts) ticket.Properties.SetParameter(Key, facts);
    }

    /// <summary>Whether the cookie's roles and segment are the member's current ones (sessions are immutable, so a match is remembered).</summary>
    public bool HasRolesOf(MemberSession session)
    {
        if (ReferenceEquals(Volatile.Read(ref _sameRoles), session)) return true;
        if (!Roles.SetEquals(session.Roles) || Segment != session.Segment) return false;
        Volatile.Write(ref _sameRoles, session);
        return true;
    }
}
