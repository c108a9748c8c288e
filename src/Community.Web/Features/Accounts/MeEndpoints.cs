using System.Security.Claims;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts;

/// <summary>The signed-in member's own account: who am I, edit my profile, change my password.</summary>
internal static class MeEndpoints
{
    public static void MapMeEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").WithTags("Account").RequireAuthorization();
        // Anonymous visitors ask too (every page does): "not signed in" is an answer, not an error.
        me.MapGet("/", GetMe).AllowAnonymous();
        me.MapPut("/", UpdateProfile);
        me.MapPost("/password", ChangePassword);
        me.MapMemberPassword();
    }

    private static async Task<Results<Ok<MeResponse>, NoContent>> GetMe(ClaimsPrincipal user, UserManager<Member> users)
    {
        var member = user.Identity?.IsAuthenticated == true ? await users.GetUserAsync(user) : null;
        if (member is null) return TypedResults.NoContent();
        return TypedResults.Ok(member.ToMe(await users.GetRolesAsync(member)));
    }

    private static async Task<Results<Ok<MeResponse>, ValidationProblem, ProblemHttpResult>> UpdateProfile(
        UpdateProfileRequest request, ClaimsPrincipal user, UserManager<Member> users, SignInManager<Member> signIn,
        Data.CommunityDb db, AccountWebhooks webhooks, Infrastructure.Live.ICacheSignals signals)
    {
        var member = await users.GetUserAsync(user);
        if (member is null) return Problems.Unauthorized();
        var errors = new FieldErrors();
        errors.Text("displayName", request.DisplayName, MemberRules.DisplayNameMin, MemberRules.DisplayNameMax, "Display name");
        errors.Text("bio", request.Bio, 0, MemberRules.BioMax, "Bio");
        var handle = request.UserName?.Trim().ToLowerInvariant();
        if (handle is not null && !MemberRules.UserNameShape().IsMatch(handle))
            errors.Add("userName", "Use 2–24 lowercase letters, digits, _ or -, starting with a letter or digit.");
        if (errors.Any) return errors.ToProblem();

        if (handle is not null && handle != member.UserName)
        {
            if (await users.FindByNameAsync(handle) is not null)
                return Problems.Conflict("That username is taken.", new Dictionary<string, object?>
                {
                    ["errors"] = new Dictionary<string, string[]> { ["userName"] = ["That username is taken."] },
                });
            member.UserName = handle;
        }
        member.DisplayName = request.DisplayName!.Trim();
        member.Bio = string.IsNullOrWhiteSpace(request.Bio) ? null : request.Bio.Trim();
        webhooks.Updated(db, member); // saved by UpdateAsync, or not at all
        var result = await users.UpdateAsync(member);
        if (!result.Succeeded) return AccountEndpoints.IdentityProblem(result);
        signals.Publish(MemberCardSignals.Topic, member.Id);
        await signIn.RefreshSignInAsync(member);
        return TypedResults.Ok(member.ToMe(await users.GetRolesAsync(member)));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, ClaimsPrincipal user, UserManager<Member> users, SignInManager<Member> signIn, MemberSessions sessions,
        CancellationToken ct)
    {
        var member = await users.GetUserAsync(user);
        if (member is null) return Problems.Unauthorized();
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(request.CurrentPassword)) errors.Add("currentPassword", "Enter your current password.");
        if (string.IsNullOrEmpty(request.NewPassword)) errors.Add("newPassword", "Choose a new password.");
        if (errors.Any) return errors.ToProblem();
        var result = await users.ChangePasswordAsync(member, request.CurrentPassword!, request.NewPassword!);
        if (!result.Succeeded)
        {
            return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))
                ? new FieldErrors().Add("currentPassword", "The current password is incorrect.").ToProblem()
                : AccountEndpoints.IdentityProblem(result, "newPassword");
        }
        // Every other session ends; this one gets a new cookie under the new session version (same session id).
        await sessions.EndAllAsync(member);
        await sessions.AnnounceAsync(member.Id, ct);
        await signIn.RefreshSignInAsync(member);
        return TypedResults.NoContent();
    }
}
