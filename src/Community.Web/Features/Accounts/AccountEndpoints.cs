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
        group.MapPost("/register", Register).AddEndpointFilter(Sso.LocalPasswordGate.SignUpAsync);
        group.MapPost("/signin", SignIn.HandleAsync).AddEndpointFilter(Sso.LocalPasswordGate.SignInAsync);
        group.MapPost("/signout", SignOut).DisableRateLimiting();
        group.MapPost("/signout-everywhere", SignOutEverywhere).DisableRateLimiting().RequireAuthorization();
        group.MapPost("/confirm-email", ConfirmEmail);
        group.MapPost("/resend-confirmation", ResendConfirmation);
        group.MapPost("/forgot-password", ForgotPassword);
        group.MapPost("/reset-password", ResetPassword);
    }

    private const string CheckInbox = "Check your inbox: we have sent a link to finish signing up.";

    /// <summary>
    /// Answers the same for a new and a registered address (202, same body, same password-hash work), so sign-up cannot be used
    /// to find out who has an account; the owner of a registered address gets a "you already have an account" mail instead.
    /// </summary>
    private static async Task<Results<Accepted<MessageResponse>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterRequest request, HttpContext http, CommunityDb db, UserManager<Member> users, MemberRegistration registration,
        AccountEmails emails, IEnumerable<IRegistrationHook> hooks, CancellationToken ct)
    {
        var errors = new FieldErrors();
        ValidateEmail(errors, request.Email);
        errors.Text("displayName", request.DisplayName, MemberRules.DisplayNameMin, MemberRules.DisplayNameMax, "Display name");
        if (string.IsNullOrEmpty(request.Password)) errors.Add("password", "Choose a password.");
        else await ValidatePasswordAsync(errors, users, request);
        foreach (var hook in hooks) await hook.ValidateAsync(request, http, errors, ct);
        if (errors.Any) return errors.ToProblem();

        if (await users.FindByEmailAsync(request.Email!.Trim()) is { } existing)
        {
            // The same checks and hashing a new account gets, so neither the answer nor its timing differs.
            var weak = await registration.CheckPasswordAsync(request.Password!);
            if (!weak.Succeeded) return IdentityProblem(weak);
            if (existing.EmailConfirmed) emails.AlreadyRegistered(existing);
            else emails.Confirm(existing, await users.GenerateEmailConfirmationTokenAsync(existing));
            await db.SaveChangesAsync(ct);
            return TypedResults.Accepted((string?)null, new MessageResponse(CheckInbox));
        }

        await using var tx = await db.BeginWriteAsync(ct);
        var (member, result) = await registration.CreateAsync(request.Email, request.DisplayName!, request.Password!, emailConfirmed: false);
        if (member is null) return IdentityProblem(result);
        foreach (var hook in hooks) await hook.OnRegisteredAsync(member, request, http, ct);
        emails.Confirm(member, await users.GenerateEmailConfirmationTokenAsync(member));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Accepted((string?)null, new MessageResponse(CheckInbox));
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

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> ConfirmEmail(
        ConfirmEmailRequest request, UserManager<Member> users, IEnumerable<IEmailConfirmedHook> confirmed, CancellationToken ct)
    {
        // A missing part is a broken link, not a form to fix: the page has no fields, so say what happened and how to go on.
        if (string.IsNullOrWhiteSpace(request.UserId) || string.IsNullOrWhiteSpace(request.Token)) return InvalidConfirmLink();
        var member = await users.FindByIdAsync(request.UserId);
        if (member is null) return InvalidConfirmLink();
        if (member.EmailConfirmed) return TypedResults.Ok(new MessageResponse("Your email is already confirmed. You can sign in."));
        var result = await users.ConfirmEmailAsync(member, request.Token);
        if (!result.Succeeded) return InvalidConfirmLink();
        foreach (var hook in confirmed) await hook.OnEmailConfirmedAsync(member, ct);
        return TypedResults.Ok(new MessageResponse("Your email is confirmed. You can sign in now."));
    }

    private static ProblemHttpResult InvalidConfirmLink() => TypedResults.Problem(
        "This confirmation link is invalid or has expired. Enter your email address and we will send you a new one.",
        statusCode: 400, title: "Invalid or expired link", extensions: new Dictionary<string, object?> { ["code"] = "invalid_link" });

    /// <summary>Runs Identity's password rules before anything is written, so every field's error comes back at once.</summary>
    private static async Task ValidatePasswordAsync(FieldErrors errors, UserManager<Member> users, RegisterRequest request)
    {
        var candidate = new Member { Email = request.Email?.Trim(), DisplayName = request.DisplayName?.Trim() ?? "" };
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, candidate, request.Password);
            foreach (var e in result.Errors) errors.Add("password", e.Description);
        }
    }

    private static Task<Results<Accepted<MessageResponse>, ValidationProblem>> ResendConfirmation(
        EmailRequest request, CommunityDb db, UserManager<Member> users, AccountEmails emails, CancellationToken ct) =>
        MailLinkAsync(request, db, users, async member =>
        {
            if (member.EmailConfirmed) return false;
            emails.Confirm(member, await users.GenerateEmailConfirmationTokenAsync(member));
            return true;
        }, "If that address has an unconfirmed account, a new link is on its way.", ct);

    private static Task<Results<Accepted<MessageResponse>, ValidationProblem>> ForgotPassword(
        EmailRequest request, CommunityDb db, UserManager<Member> users, AccountEmails emails, CancellationToken ct) =>
        MailLinkAsync(request, db, users, async member =>
        {
            emails.ResetPassword(member, await users.GeneratePasswordResetTokenAsync(member));
            return true;
        }, "If an account uses that address, we have sent it a link to reset the password.", ct);

    /// <summary>An "email me a link" request: the same answer whether or not the address is registered.
    /// <paramref name="queue"/> adds the mail to the outbox and says whether it did.</summary>
    private static async Task<Results<Accepted<MessageResponse>, ValidationProblem>> MailLinkAsync(EmailRequest request, CommunityDb db,
        UserManager<Member> users, Func<Member, Task<bool>> queue, string answer, CancellationToken ct)
    {
        var errors = new FieldErrors();
        ValidateEmail(errors, request.Email);
        if (errors.Any) return errors.ToProblem();
        if (await users.FindByEmailAsync(request.Email!.Trim()) is { } member && await queue(member)) await db.SaveChangesAsync(ct);
        return TypedResults.Accepted((string?)null, new MessageResponse(answer));
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
            return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken))
                ? Problems.BadRequest(InvalidLink)
                : IdentityProblem(result, "password");
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
