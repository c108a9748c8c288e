using System.Globalization;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts;

/// <summary>Sign-up, sign-in and the email-token flows. Every answer is JSON or a ProblemDetails.</summary>
internal static class AccountEndpoints
{
    private const string InvalidLink = "This link is invalid or has expired. Ask for a new one.";

    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/account").WithTags("Account").RequireRateLimiting(RateLimits.Auth);
        group.MapPost("/register", Register);
        group.MapPost("/signin", SignIn);
        group.MapPost("/signout", SignOut).DisableRateLimiting();
        group.MapPost("/signout-everywhere", SignOutEverywhere).DisableRateLimiting().RequireAuthorization();
        group.MapPost("/confirm-email", ConfirmEmail);
        group.MapPost("/resend-confirmation", ResendConfirmation);
        group.MapPost("/forgot-password", ForgotPassword);
        group.MapPost("/reset-password", ResetPassword);
    }

    private static async Task<Results<Created<MeResponse>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterRequest request, HttpContext http, CommunityDb db, UserManager<Member> users, MemberRegistration registration,
        AccountEmails emails, IEnumerable<IRegistrationHook> hooks, CancellationToken ct)
    {
        var errors = new FieldErrors();
        ValidateEmail(errors, request.Email);
        errors.Text("displayName", request.DisplayName, MemberRules.DisplayNameMin, MemberRules.DisplayNameMax, "Display name");
        if (string.IsNullOrEmpty(request.Password)) errors.Add("password", "Choose a password.");
        foreach (var hook in hooks) await hook.ValidateAsync(request, http, errors, ct);
        if (errors.Any) return errors.ToProblem();

        if (await users.FindByEmailAsync(request.Email!.Trim()) is not null)
        {
            return Problems.Conflict("An account with this email already exists. Sign in, or reset your password if you forgot it.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["email"] = ["This email is already registered."] } });
        }

        await using var tx = await db.BeginWriteAsync(ct);
        var (member, result) = await registration.CreateAsync(request.Email, request.DisplayName!, request.Password!, emailConfirmed: false);
        if (member is null) return IdentityProblem(result);
        foreach (var hook in hooks) await hook.OnRegisteredAsync(member, request, http, ct);
        emails.Confirm(member, await users.GenerateEmailConfirmationTokenAsync(member));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/members/{member.UserName}", member.ToMe([Roles.Member]));
    }

    private static async Task<Results<Ok<MeResponse>, ValidationProblem, ProblemHttpResult>> SignIn(
        SignInRequest request, HttpContext http, UserManager<Member> users, SignInManager<Member> signIn, TimeProvider clock)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Email)) errors.Add("email", "Enter your email address.");
        if (string.IsNullOrEmpty(request.Password)) errors.Add("password", "Enter your password.");
        if (errors.Any) return errors.ToProblem();

        const string wrong = "The email or password is incorrect.";
        var member = await users.FindByEmailAsync(request.Email!.Trim());
        if (member is null) return Problems.Unauthorized(wrong);

        if (await users.IsLockedOutAsync(member)) return LockedOut(http, member, clock);
        if (!member.EmailConfirmed)
        {
            // Check the password first so an unconfirmed account is not revealed to someone guessing.
            if (!await users.CheckPasswordAsync(member, request.Password!))
            {
                await users.AccessFailedAsync(member);
                return Problems.Unauthorized(wrong);
            }
            return TypedResults.Problem("Confirm your email address first: we sent you a link when you signed up.",
                statusCode: 403, title: "Email not confirmed", extensions: new Dictionary<string, object?> { ["code"] = "email_unconfirmed" });
        }

        var result = await signIn.PasswordSignInAsync(member, request.Password!, request.RememberMe, lockoutOnFailure: true);
        if (result.IsLockedOut) return LockedOut(http, member, clock);
        if (!result.Succeeded) return Problems.Unauthorized(wrong);
        return TypedResults.Ok(member.ToMe(await users.GetRolesAsync(member)));
    }

    private static ProblemHttpResult LockedOut(HttpContext http, Member member, TimeProvider clock)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(((member.LockoutEnd ?? clock.GetUtcNow()) - clock.GetUtcNow()).TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var minutes = (int)Math.Ceiling(seconds / 60.0);
        var detail = seconds > 24 * 3600
            ? $"This account is suspended until {member.LockoutEnd:yyyy-MM-dd HH:mm} UTC."
            : $"Too many failed sign-ins. The account is locked for {minutes} minute{(minutes == 1 ? "" : "s")}; you can also reset your password.";
        return TypedResults.Problem(detail, statusCode: 429, title: "Account locked",
            extensions: new Dictionary<string, object?> { ["code"] = "locked_out", ["retryAfterSeconds"] = seconds });
    }

    /// <summary>Ends this session on the server too, so a copy of the cookie stops working as well.</summary>
    private static async Task<NoContent> SignOut(HttpContext http, SignInManager<Member> signIn, MemberSessions sessions, CancellationToken ct)
    {
        await sessions.RevokeAsync(http.User, ct);
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignOutEverywhere(
        HttpContext http, UserManager<Member> users, SignInManager<Member> signIn, MemberSessions sessions, CancellationToken ct)
    {
        var member = await users.GetUserAsync(http.User);
        if (member is null) return Problems.Unauthorized();
        await sessions.EndAllAsync(member);
        await sessions.AnnounceAsync(member.Id, ct);
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MessageResponse>, ValidationProblem, ProblemHttpResult>> ConfirmEmail(
        ConfirmEmailRequest request, UserManager<Member> users, IEnumerable<IEmailConfirmedHook> confirmed, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.UserId)) errors.Add("userId", "The link is missing the account id.");
        if (string.IsNullOrWhiteSpace(request.Token)) errors.Add("token", "The link is missing its token.");
        if (errors.Any) return errors.ToProblem();
        var member = await users.FindByIdAsync(request.UserId!);
        if (member is null) return Problems.BadRequest(InvalidLink);
        if (member.EmailConfirmed) return TypedResults.Ok(new MessageResponse("Your email is already confirmed. You can sign in."));
        var result = await users.ConfirmEmailAsync(member, request.Token!);
        if (!result.Succeeded) return Problems.BadRequest(InvalidLink);
        foreach (var hook in confirmed) await hook.OnEmailConfirmedAsync(member, ct);
        return TypedResults.Ok(new MessageResponse("Your email is confirmed. You can sign in now."));
    }

    private static async Task<Results<Accepted<MessageResponse>, ValidationProblem>> ResendConfirmation(
        EmailRequest request, CommunityDb db, UserManager<Member> users, AccountEmails emails, CancellationToken ct)
    {
        var errors = new FieldErrors();
        ValidateEmail(errors, request.Email);
        if (errors.Any) return errors.ToProblem();
        var member = await users.FindByEmailAsync(request.Email!.Trim());
        if (member is { EmailConfirmed: false })
        {
            emails.Confirm(member, await users.GenerateEmailConfirmationTokenAsync(member));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Accepted((string?)null, new MessageResponse("If that address has an unconfirmed account, a new link is on its way."));
    }

    private static async Task<Results<Accepted<MessageResponse>, ValidationProblem>> ForgotPassword(
        EmailRequest request, CommunityDb db, UserManager<Member> users, AccountEmails emails, CancellationToken ct)
    {
        var errors = new FieldErrors();
        ValidateEmail(errors, request.Email);
        if (errors.Any) return errors.ToProblem();
        var member = await users.FindByEmailAsync(request.Email!.Trim());
        if (member is not null)
        {
            emails.ResetPassword(member, await users.GeneratePasswordResetTokenAsync(member));
            await db.SaveChangesAsync(ct);
        }
        // Same answer whether or not the address is registered.
        return TypedResults.Accepted((string?)null, new MessageResponse("If an account uses that address, we have sent it a link to reset the password."));
    }

    private static async Task<Results<Ok<MessageResponse>, ValidationProblem, ProblemHttpResult>> ResetPassword(
        ResetPasswordRequest request, UserManager<Member> users, MemberSessions sessions, IEnumerable<IEmailConfirmedHook> confirmed,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        ValidateEmail(errors, request.Email);
        if (string.IsNullOrWhiteSpace(request.Token)) errors.Add("token", "The link is missing its token.");
        if (string.IsNullOrEmpty(request.Password)) errors.Add("password", "Choose a new password.");
        if (errors.Any) return errors.ToProblem();
        var member = await users.FindByEmailAsync(request.Email!.Trim());
        if (member is null) return Problems.BadRequest(InvalidLink);
        var result = await users.ResetPasswordAsync(member, request.Token!, request.Password!);
        if (!result.Succeeded)
        {
            return result.Errors.Any(e => e.Code == "InvalidToken") ? Problems.BadRequest(InvalidLink) : IdentityProblem(result, "password");
        }
        // A successful reset proves ownership: lift a failed-sign-in lockout, and confirm the address.
        await users.ResetAccessFailedCountAsync(member);
        if (member.LockoutEnd is { } end && end - DateTimeOffset.UtcNow < TimeSpan.FromDays(1)) await users.SetLockoutEndDateAsync(member, null);
        if (!member.EmailConfirmed)
        {
            member.EmailConfirmed = true;
            await users.UpdateAsync(member);
            foreach (var hook in confirmed) await hook.OnEmailConfirmedAsync(member, ct);
        }
        // Whoever held a session (perhaps the reason for the reset) is signed out everywhere.
        await sessions.EndAllAsync(member);
        await sessions.AnnounceAsync(member.Id, ct);
        return TypedResults.Ok(new MessageResponse("Your password has been changed. You can sign in now."));
    }

    internal static void ValidateEmail(FieldErrors errors, string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) errors.Add("email", "Enter your email address.");
        else if (email.Trim().Length > MemberRules.EmailMax || !MemberRules.EmailShape().IsMatch(email.Trim()))
            errors.Add("email", "Enter a valid email address, like name@example.com.");
    }

    /// <summary>Maps Identity's error codes onto the form field they concern.</summary>
    internal static ValidationProblem IdentityProblem(IdentityResult result, string passwordField = "password")
    {
        var errors = new FieldErrors();
        foreach (var e in result.Errors)
        {
            var field = e.Code switch
            {
                _ when e.Code.StartsWith("Password", StringComparison.Ordinal) => passwordField,
                "DuplicateEmail" or "InvalidEmail" => "email",
                "DuplicateUserName" or "InvalidUserName" => "userName",
                _ => "",
            };
            errors.Add(field, e.Description);
        }
        return errors.ToProblem();
    }
}
