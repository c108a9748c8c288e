using System.Security.Claims;
using Community.Web.Features.Accounts;

namespace Community.Web.Features.Forums;

/// <summary>Who is asking: anonymous, a member, a moderator or an admin, with the member's product plan and account.
/// Built from the cookie's claims, no database read.</summary>
public sealed record ForumViewer(string? MemberId, IReadOnlySet<string> Roles)
{
    public static readonly ForumViewer Anonymous = new(null, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>The member's product plan, as the sign-in cookie carries it.</summary>
    public string? Plan { get; init; }
    /// <summary>The member's product account id, as the sign-in cookie carries it.</summary>
    public string? AccountId { get; init; }

    public bool SignedIn => MemberId is not null;
    public bool IsAdmin => Roles.Contains(Accounts.Roles.Admin);
    public bool IsModerator => IsAdmin || Roles.Contains(Accounts.Roles.Moderator);

    public static ForumViewer From(ClaimsPrincipal? user)
    {
        var id = user?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null) return Anonymous;
        return new ForumViewer(id, user!.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal)).WithSegmentOf(user);
    }

    /// <summary>This viewer with the plan and account the principal's claims carry.</summary>
    public ForumViewer WithSegmentOf(ClaimsPrincipal? user) =>
        this with { Plan = user?.FindFirstValue(ProductClaims.Plan), AccountId = user?.FindFirstValue(ProductClaims.AccountId) };

    /// <summary>Public categories for everyone. A private one for its roles and its segments (plans, accounts), and always for
    /// admins; staff (moderators) also read every segment-restricted category, as they answer those customers too.</summary>
    public bool CanRead(CategoryInfo category) =>
        !category.IsPrivate || IsAdmin || category.ReadRoles.Any(Roles.Contains)
        || (category.IsSegmented && MemberId is not null && (IsModerator || InSegmentOf(category)));

    private bool InSegmentOf(CategoryInfo category) =>
        (Plan is { } plan && category.ReadPlans.Contains(plan, StringComparer.OrdinalIgnoreCase))
        || (AccountId is { } account && category.ReadAccounts.Contains(account, StringComparer.Ordinal));
}
