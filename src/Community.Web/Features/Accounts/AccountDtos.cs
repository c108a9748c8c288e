namespace Community.Web.Features.Accounts;

public sealed record RegisterRequest(string? Email, string? DisplayName, string? Password, string? ReferralCode = null);
public sealed record SignInRequest(string? Email, string? Password, bool RememberMe = false);
public sealed record EmailRequest(string? Email);
public sealed record ConfirmEmailRequest(string? UserId, string? Token);
public sealed record ResetPasswordRequest(string? Email, string? Token, string? Password);
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
public sealed record UpdateProfileRequest(string? DisplayName, string? Bio, string? UserName);
public sealed record MessageResponse(string Message);

/// <summary>What the signed-in member sees about themselves.</summary>
public sealed record MeResponse(string Id, string UserName, string Email, string DisplayName, string? Bio, string? AvatarUrl,
    DateTime JoinedAt, bool EmailConfirmed, IReadOnlyList<string> Roles);

/// <summary>What anyone may see about a member: never the email.</summary>
public sealed record PublicProfile(
    string UserName, string DisplayName, string? Bio, string? AvatarUrl, DateTime JoinedAt, IReadOnlyList<string> Badges);

public sealed record MemberSummary(string UserName, string DisplayName, string? AvatarUrl);

public sealed record AdminMember(string Id, string UserName, string Email, string DisplayName, bool EmailConfirmed, DateTime JoinedAt,
    DateTimeOffset? LockoutEnd, IReadOnlyList<string> Roles, string? ExternalId = null, string? AccountId = null, string? AccountName = null,
    string? Plan = null, DateTime? DeactivatedAt = null);

/// <summary>One member on the admin's member page: the list's row plus the product's custom attributes.</summary>
public sealed record AdminMemberDetail(AdminMember Member, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A plan and how many members are on it, for the admin list's plan filter.</summary>
public sealed record PlanCount(string Plan, int Members);

public sealed record SetRolesRequest(IReadOnlyList<string>? Roles);

internal static class MemberMapping
{
    public static MeResponse ToMe(this Member m, IList<string> roles) =>
        new(m.Id, m.UserName!, m.Email!, m.DisplayName, m.Bio, m.AvatarUrl, m.JoinedAt, m.EmailConfirmed, [.. roles.Order(StringComparer.Ordinal)]);

    public static PublicProfile ToPublic(this Member m, IList<string> roles) =>
        new(m.UserName!, m.DisplayName, m.Bio, m.AvatarUrl, m.JoinedAt, [.. roles.Where(r => r != Roles.Member).Order(StringComparer.Ordinal)]);
}
