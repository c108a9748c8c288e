using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts;

/// <summary>A feature's part of a member's data: included in their export, removed or anonymised when they erase their account.</summary>
public interface IMemberDataSection
{
    /// <summary>Key of this section in the export document, e.g. "forums".</summary>
    string Name { get; }
    Task<object?> ExportAsync(string memberId, CancellationToken ct);
    /// <summary>Runs inside the erase transaction; totals that must survive (ledgers) are kept, detached from the person.</summary>
    Task EraseAsync(string memberId, CancellationToken ct);

    /// <summary>Runs after the erase committed: drop cached copies of what was erased (on every server).</summary>
    Task AfterEraseAsync(string memberId, CancellationToken ct) => Task.CompletedTask;
}

/// <summary><c>Password</c> confirms; a member without one (created by a product sign-in) types their <c>Email</c> instead.</summary>
public sealed record EraseRequest(string? Password, string? Email = null);

public sealed record MemberExport(DateTime ExportedAt, object Account, IReadOnlyDictionary<string, object?> Sections);

/// <summary>GET /api/me/export and POST /api/me/erase: the member's own copy of their data, and the right to leave.</summary>
internal static class MemberDataEndpoints
{
    public static void MapMemberDataEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").WithTags("Account").RequireAuthorization();
        me.MapGet("/export", Export);
        me.MapPost("/erase", Erase).RequireRateLimiting(Infrastructure.Security.RateLimits.Auth);
    }

    private static async Task<Results<JsonHttpResult<MemberExport>, ProblemHttpResult>> Export(
        ClaimsPrincipal user, UserManager<Member> users, IEnumerable<IMemberDataSection> sections, TimeProvider clock, HttpContext http,
        CancellationToken ct)
    {
        var member = await users.GetUserAsync(user);
        if (member is null) return Problems.Unauthorized();
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var section in sections) data[section.Name] = await section.ExportAsync(member.Id, ct);
        var account = new
        {
            member.Id, member.UserName, member.Email, member.DisplayName, member.Bio, member.AvatarUrl, member.JoinedAt,
            member.EmailConfirmed, Roles = await users.GetRolesAsync(member),
        };
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"community-data-{member.UserName}.json\"";
        return TypedResults.Json(new MemberExport(clock.GetUtcNow().UtcDateTime, account, data));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Erase(
        EraseRequest request, ClaimsPrincipal user, UserManager<Member> users, SignInManager<Member> signIn,
        IEnumerable<IMemberDataSection> sections, CommunityDb db, MemberSessions sessions, Infrastructure.Live.ICacheSignals signals,
        CancellationToken ct)
    {
        var member = await users.GetUserAsync(user);
        if (member is null) return Problems.Unauthorized();
        if (!await users.HasPasswordAsync(member))
        {
            if (!string.Equals(request.Email?.Trim(), member.Email, StringComparison.OrdinalIgnoreCase))
                return new FieldErrors().Add("email", "Type your email address to confirm.").ToProblem();
        }
        else if (string.IsNullOrEmpty(request.Password) || !await users.CheckPasswordAsync(member, request.Password))
        {
            return new FieldErrors().Add("password", "Enter your current password to confirm.").ToProblem();
        }

        await using var tx = await db.BeginWriteAsync(ct);
        foreach (var section in sections) await section.EraseAsync(member.Id, ct);
        // The row stays so that posts and ledger totals keep a valid reference; everything personal goes.
        var tombstone = "deleted-" + member.Id[..8];
        member.UserName = tombstone;
        member.Email = $"{tombstone}-{Guid.NewGuid():N}@deleted.invalid";
        member.EmailConfirmed = false;
        member.DisplayName = "Former member";
        member.Bio = null;
        member.AvatarUrl = null;
        member.PhoneNumber = null;
        member.PasswordHash = null;
        // The product's identity goes too: a later sign-in through the product starts a new member, not this tombstone.
        member.ExternalId = null;
        member.AccountId = null;
        member.AccountName = null;
        member.Plan = null;
        member.ProductAttributes = null;
        member.LockoutEnabled = true;
        member.LockoutEnd = DateTimeOffset.MaxValue;
        var result = await users.UpdateAsync(member);
        if (!result.Succeeded) return AccountEndpoints.IdentityProblem(result);
        await sessions.EndAllAsync(member); // every other session of this member ends too
        foreach (var login in await users.GetLoginsAsync(member)) await users.RemoveLoginAsync(member, login.LoginProvider, login.ProviderKey);
        await tx.CommitAsync(ct);
        signals.Publish(MemberCardSignals.Topic, member.Id);
        await sessions.AnnounceAsync(member.Id, ct);
        foreach (var section in sections) await section.AfterEraseAsync(member.Id, ct);
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }
}
