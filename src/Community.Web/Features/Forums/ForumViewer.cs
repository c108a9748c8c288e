using System.Security.Claims;
using Community.Web.Features.Accounts;

namespace Community.Web.Features.Forums;

/// <summary>Who is asking: anonymous, a member, a moderator or an admin. Built from the cookie's claims, no database read.</summary>
public sealed record ForumViewer(string? MemberId, IReadOnlySet<string> Roles)
{
    public static readonly ForumViewer Anonymous = new(null, new HashSet<string>(StringComparer.Ordinal));

    public bool SignedIn => MemberId is not null;
    public bool IsAdmin => Roles.Contains(Accounts.Roles.Admin);
    public bool IsModerator => IsAdmin || Roles.Contains(Accounts.Roles.Moderator);

    public static ForumViewer From(ClaimsPrincipal? user)
    {
        var id = user?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null) return Anonymous;
        return new ForumViewer(id, user!.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Public categories for everyone; private ones for their roles, and always for admins.</summary>
    public bool CanRead(CategoryInfo category) =>
        category.ReadRoles.Count == 0 || IsAdmin || category.ReadRoles.Any(Roles.Contains);
}
