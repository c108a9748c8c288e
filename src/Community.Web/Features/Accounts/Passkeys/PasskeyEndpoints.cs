using System.Buffers.Text;
using System.Text.Json;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts;

public sealed record PasskeyView(string Id, string Name, DateTimeOffset CreatedAt);
public sealed record AddPasskeyRequest(string? Name, JsonElement? Credential);
public sealed record PasskeySignInRequest(JsonElement? Credential);

/// <summary>
/// Passkeys for local accounts through Identity's own WebAuthn support: the server makes the options (and keeps the challenge in
/// Identity's short-lived cookie), the browser asks the authenticator, the server checks the answer. Every write is a POST or
/// DELETE under /api, so the CSRF header is required like everywhere else.
/// </summary>
internal static class PasskeyEndpoints
{
    private const string NotVerified = "This passkey could not be verified. Try again, or sign in with your password.";

    /// <summary>Passkeys must be discoverable: sign-in offers them without asking for an email address first.</summary>
    public static IServiceCollection AddPasskeys(this IServiceCollection services) =>
        services.Configure<IdentityPasskeyOptions>(o => o.ResidentKeyRequirement = "required");

    public static void MapPasskeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/account/passkeys").WithTags("Account").RequireRateLimiting(RateLimits.Auth);
        group.MapGet("", List).RequireAuthorization();
        group.MapPost("/creation-options", CreationOptions).RequireAuthorization();
        group.MapPost("", Add).RequireAuthorization();
        group.MapDelete("/{id}", Remove).RequireAuthorization();
        group.MapPost("/request-options", RequestOptions);
        group.MapPost("/signin", SignIn);
    }

    private static async Task<Results<Ok<List<PasskeyView>>, ProblemHttpResult>> List(HttpContext http, UserManager<Member> users)
    {
        if (await users.GetUserAsync(http.User) is not { } member) return Problems.Unauthorized();
        var passkeys = await users.GetPasskeysAsync(member);
        return TypedResults.Ok(passkeys.OrderBy(p => p.CreatedAt).Select(View).ToList());
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CreationOptions(HttpContext http, UserManager<Member> users,
        SignInManager<Member> signIn)
    {
        if (await users.GetUserAsync(http.User) is not { } member) return Problems.Unauthorized();
        if ((await users.GetPasskeysAsync(member)).Count >= IdentityPasskeys.MaxPerMember) return TooMany();
        var json = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
        {
            Id = member.Id, Name = member.Email ?? member.UserName!, DisplayName = member.DisplayName,
        });
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(json, "application/json");
    }

    private static async Task<Results<Created<PasskeyView>, ValidationProblem, ProblemHttpResult>> Add(AddPasskeyRequest request,
        HttpContext http, UserManager<Member> users, SignInManager<Member> signIn)
    {
        var errors = new FieldErrors();
        errors.Text("name", request.Name, 1, IdentityPasskeys.NameMax, "Name");
        if (request.Credential is not { ValueKind: JsonValueKind.Object }) errors.Add("credential", "The browser's passkey answer is missing.");
        if (errors.Any) return errors.ToProblem();
        if (await users.GetUserAsync(http.User) is not { } member) return Problems.Unauthorized();
        if ((await users.GetPasskeysAsync(member)).Count >= IdentityPasskeys.MaxPerMember) return TooMany();

        var attestation = await signIn.PerformPasskeyAttestationAsync(request.Credential!.Value.GetRawText());
        // The challenge was made for one member: a passkey answer carried over from another session is refused.
        if (!attestation.Succeeded || attestation.UserEntity?.Id != member.Id)
            return Problems.BadRequest("This passkey could not be registered. Try again from the start.");
        if (await users.GetPasskeyAsync(member, attestation.Passkey.CredentialId) is not null)
            return Problems.Conflict("This passkey is already registered to your account.");
        attestation.Passkey.Name = request.Name!.Trim();
        var result = await users.AddOrUpdatePasskeyAsync(member, attestation.Passkey);
        if (!result.Succeeded) return Problems.BadRequest("This passkey could not be registered. Try again from the start.");
        await signIn.RefreshSignInAsync(member); // keeps this session's cookie in step if the security stamp moved
        var view = View(attestation.Passkey);
        return TypedResults.Created($"/api/account/passkeys/{view.Id}", view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(string id, HttpContext http, UserManager<Member> users,
        SignInManager<Member> signIn)
    {
        if (await users.GetUserAsync(http.User) is not { } member) return Problems.Unauthorized();
        var credentialId = Decode(id);
        if (credentialId is null || await users.GetPasskeyAsync(member, credentialId) is null) return Problems.NotFound("No such passkey.");
        var result = await users.RemovePasskeyAsync(member, credentialId);
        if (!result.Succeeded) return Problems.NotFound("No such passkey.");
        await signIn.RefreshSignInAsync(member);
        return TypedResults.NoContent();
    }

    /// <summary>Options without a user: the browser offers whichever passkeys it holds for this site (discoverable credentials),
    /// so the page does not have to ask for an email address first, and the answer says nothing about who is registered.</summary>
    private static async Task<ContentHttpResult> RequestOptions(HttpContext http, SignInManager<Member> signIn)
    {
        var json = await signIn.MakePasskeyRequestOptionsAsync(null);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(json, "application/json");
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SignIn(PasskeySignInRequest request,
        SignInManager<Member> signIn)
    {
        if (request.Credential is not { ValueKind: JsonValueKind.Object })
        {
            var errors = new FieldErrors();
            errors.Add("credential", "The browser's passkey answer is missing.");
            return errors.ToProblem();
        }
        var result = await signIn.PasskeySignInAsync(request.Credential.Value.GetRawText());
        if (result.Succeeded) return TypedResults.NoContent();
        if (result.IsLockedOut) return Problems.TooMany("Signing in is paused on this account. Try again later or reset your password.");
        if (result.IsNotAllowed)
        {
            return TypedResults.Problem("Confirm your email address first: we sent you a link when you signed up.",
                statusCode: 403, title: "Email not confirmed", extensions: new Dictionary<string, object?> { ["code"] = "email_unconfirmed" });
        }
        return Problems.Unauthorized(NotVerified);
    }

    private static ProblemHttpResult TooMany() =>
        Problems.Conflict($"You have {IdentityPasskeys.MaxPerMember} passkeys, the most an account may have. Remove one first.");

    private static PasskeyView View(UserPasskeyInfo p) =>
        new(Base64Url.EncodeToString(p.CredentialId), p.Name ?? "Passkey", p.CreatedAt);

    private static byte[]? Decode(string id)
    {
        if (id.Length is 0 or > 1400) return null;
        try { return Base64Url.DecodeFromChars(id); }
        catch (FormatException) { return null; }
    }
}
