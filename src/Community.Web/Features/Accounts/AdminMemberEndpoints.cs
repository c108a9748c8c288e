using System.Security.Claims;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts;

/// <summary>Admins list members and grant roles (Moderator, Marketing, Admin).</summary>
internal static class AdminMemberEndpoints
{
    public static void MapAdminMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/members").WithTags("Admin").RequireAuthorization(Policies.Administer);
        admin.MapGet("/", List);
        admin.MapPut("/{id}/roles", SetRoles);
    }

    private static async Task<Ok<List<AdminMember>>> List(string? q, AdminMemberQuery query, CancellationToken ct) =>
        TypedResults.Ok(await query.MembersAsync(q, ct));

    private static async Task<Results<Ok<AdminMember>, ValidationProblem, ProblemHttpResult>> SetRoles(
        string id, SetRolesRequest request, ClaimsPrincipal user, UserManager<Member> users, AdminMemberQuery query, MemberSessions sessions,
        CancellationToken ct)
    {
        var wanted = (request.Roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        var unknown = wanted.Where(r => !Roles.All.Contains(r)).ToList();
        if (unknown.Count > 0)
        {
            var message = $"Unknown role: {string.Join(", ", unknown)}. Roles are {string.Join(", ", Roles.All)}.";
            return new FieldErrors().Add("roles", message).ToProblem();
        }
        var member = await users.FindByIdAsync(id);
        if (member is null) return Problems.NotFound("No member with that id.");
        if (member.Id == users.GetUserId(user) && !wanted.Contains(Roles.Admin))
            return Problems.Conflict("You cannot remove your own Admin role; ask another admin.");
        if (!wanted.Contains(Roles.Member)) wanted.Add(Roles.Member);
        var current = await users.GetRolesAsync(member);
        await users.RemoveFromRolesAsync(member, current.Except(wanted));
        await users.AddToRolesAsync(member, wanted.Except(current));
        // Open sessions and live connections take the new roles at once (a downgrade, not a sign-out).
        await sessions.AnnounceAsync(member.Id, ct);
        return TypedResults.Ok((await query.MembersAsync(null, ct, member.Id)).Single());
    }
}

/// <summary>Read model for the admin member list: one query with roles joined, not one per row.</summary>
internal sealed class AdminMemberQuery(Data.CommunityDb db)
{
    public async Task<List<AdminMember>> MembersAsync(string? q, CancellationToken ct, string? id = null)
    {
        var members = db.Users.AsNoTracking();
        if (id is not null) members = members.Where(m => m.Id == id);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var upper = q.Trim().ToUpperInvariant();
            members = members.Where(m =>
                m.NormalizedEmail!.Contains(upper) || m.NormalizedUserName!.Contains(upper) || m.DisplayName.ToUpper().Contains(upper));
        }
        var page = await members.OrderByDescending(m => m.JoinedAt).Take(100).ToListAsync(ct);
        var ids = page.Select(m => m.Id).ToList();
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ids.Contains(ur.UserId)
                           select new { ur.UserId, r.Name })
            .ToListAsync(ct);
        var byUser = roles.ToLookup(r => r.UserId, r => r.Name!);
        return [.. page.Select(m => new AdminMember(m.Id, m.UserName!, m.Email!, m.DisplayName, m.EmailConfirmed, m.JoinedAt, m.LockoutEnd,
            [.. byUser[m.Id].Order(StringComparer.Ordinal)]))];
    }
}
