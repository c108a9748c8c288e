using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts;

/// <summary>Lets other features take part in sign-up (invite-only checks, referral attribution) without reaching into Accounts.</summary>
public interface IRegistrationHook
{
    /// <summary>Runs before anything is written; add field errors to refuse the sign-up.</summary>
    Task ValidateAsync(RegisterRequest request, HttpContext http, Infrastructure.Problems.FieldErrors errors, CancellationToken ct);

    /// <summary>Runs inside the sign-up transaction, after the member exists.</summary>
    Task OnRegisteredAsync(Member member, RegisterRequest request, HttpContext http, CancellationToken ct);
}

/// <summary>Lets other features act when a member's email address is confirmed (by the mailed link, or by a password reset).</summary>
public interface IEmailConfirmedHook
{
    /// <summary>Runs once the confirmation is saved; may run again for the same member, so it must be idempotent.</summary>
    Task OnEmailConfirmedAsync(Member member, CancellationToken ct);
}

/// <summary>Creates members with a unique handle and the Member role.</summary>
public sealed class MemberRegistration(UserManager<Member> users, TimeProvider clock, Data.CommunityDb db, AccountWebhooks webhooks)
{
    public async Task<(Member? Member, IdentityResult Result)> CreateAsync(
        string email, string displayName, string password, bool emailConfirmed, params string[] extraRoles)
    {
        var member = new Member
        {
            Email = email.Trim(),
            DisplayName = displayName.Trim(),
            UserName = await FreeHandleAsync(MemberRules.HandleFrom(displayName)),
            JoinedAt = clock.GetUtcNow().UtcDateTime,
            EmailConfirmed = emailConfirmed,
        };
        var result = await users.CreateAsync(member, password);
        if (!result.Succeeded) return (null, result);
        webhooks.Created(db, member); // saved with the roles, in the caller's transaction when there is one
        result = await users.AddToRolesAsync(member, [Roles.Member, .. extraRoles]);
        return (result.Succeeded ? member : null, result);
    }

    /// <summary>Runs the password rules and the hash a new account costs, without creating one (sign-up for a registered address).</summary>
    public async Task<IdentityResult> CheckPasswordAsync(string password)
    {
        var probe = new Member { UserName = "probe", Email = "probe@example.invalid" };
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, probe, password);
            if (!result.Succeeded) return result;
        }
        _ = users.PasswordHasher.HashPassword(probe, password);
        return IdentityResult.Success;
    }

    /// <summary>ana_lima, then ana_lima2, ana_lima3, ... — the first free one.</summary>
    public async Task<string> FreeHandleAsync(string handle)
    {
        var normalized = users.NormalizeName(handle);
        // The usual case, a free handle, is one index seek; the prefix query below cannot use the index (SQLite's LIKE
        // ignores case) and reads every member, which a burst of just-in-time members from the sync API pays per create.
        if (!await users.Users.AnyAsync(u => u.NormalizedUserName == normalized)) return handle;
        var taken = await users.Users.Where(u => u.NormalizedUserName!.StartsWith(normalized!))
            .Select(u => u.NormalizedUserName!).ToListAsync();
        if (!taken.Contains(normalized!)) return handle;
        for (var n = 2; ; n++)
        {
            var candidate = handle + n.ToString(CultureInfo.InvariantCulture);
            if (!taken.Contains(users.NormalizeName(candidate)!)) return candidate;
        }
    }
}
