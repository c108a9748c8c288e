using System.Security.Claims;
using Community.Web.Features.Accounts.Sso;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts;

public sealed record PasswordStatus(bool HasPassword, bool CanSetPassword);
public sealed record SetPasswordRequest(string? NewPassword);

/// <summary>
/// GET /api/me/password says whether the member has a password (members created by a product sign-in have none), and
/// POST /api/me/password/set gives one to such a member, only while local passwords are allowed (Identity's AddPassword).
/// </summary>
internal static class MemberPassword
{
    public static void MapMemberPassword(this RouteGroupBuilder me)
    {
        me.MapGet("/password", StatusAsync);
        me.MapPost("/password/set", SetAsync);
    }

    private static async Task<Results<Ok<PasswordStatus>, ProblemHttpResult>> StatusAsync(ClaimsPrincipal user, UserManager<Member> users,
        SignInSettings settings)
    {
        var member = await users.GetUserAsync(user);
        if (member is null) return Problems.Unauthorized();
        var has = await users.HasPasswordAsync(member);
        return TypedResults.Ok(new PasswordStatus(has, !has && settings.LocalPasswords));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetAsync(SetPasswordRequest request,
        ClaimsPrincipal user, UserManager<Member> users, SignInManager<Member> signIn, MemberSessions sessions, SignInSettings settings,
        CancellationToken ct)
    {
        var member = await users.GetUserAsync(user);
        if (member is null) return Problems.Unauthorized();
        if (!settings.LocalPasswords)
            return TypedResults.Problem("Password sign-in is turned off here, so a password cannot be set.", statusCode: 403,
                title: "Password sign-in is off", extensions: new Dictionary<string, object?> { ["code"] = "local_passwords_off" });
        if (await users.HasPasswordAsync(member))
            return Problems.Conflict("You already have a password: change it with your current one.");
        if (string.IsNullOrEmpty(request.NewPassword)) return new FieldErrors().Add("newPassword", "Choose a password.").ToProblem();
        var result = await users.AddPasswordAsync(member, request.NewPassword);
        if (!result.Succeeded) return AccountEndpoints.IdentityProblem(result, "newPassword");
        // As after a password change: other sessions end, this one gets a fresh cookie.
        await sessions.EndAllAsync(member);
        await sessions.AnnounceAsync(member.Id, ct);
        await signIn.RefreshSignInAsync(member);
        return TypedResults.NoContent();
    }
}
