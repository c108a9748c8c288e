using System.Security.Claims;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts;

/// <summary>Admins list members (filtered by text, product plan and account; exported as CSV), see one member with their product
/// attributes, and grant roles (Moderator, Marketing, Admin).</summary>
internal static class AdminMemberEndpoints
{
    public static void MapAdminMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/members").WithTags("Admin").RequireAuthorization(Policies.Administer);
        admin.MapGet("/", List);
        admin.MapGet("/plans", async (AdminMemberQuery query, CancellationToken ct) => TypedResults.Ok(await query.PlansAsync(ct)));
        admin.MapGet("/export.csv", AdminMemberExport.CsvAsync);
        admin.MapGet("/{id}", Detail);
        admin.MapPut("/{id}/roles", SetRoles);
    }

    private static async Task<Results<Ok<List<AdminMember>>, ValidationProblem>> List(string? q, string? plan, string? account,
        AdminMemberQuery query, CancellationToken ct)
    {
        var filter = new AdminMemberFilter(q, plan, account);
        if (filter.Validate() is { } invalid) return invalid;
        return TypedResults.Ok(await query.MembersAsync(filter, ct));
    }

    private static async Task<Results<Ok<AdminMemberDetail>, ProblemHttpResult>> Detail(string id, AdminMemberQuery query, CancellationToken ct) =>
        await query.DetailAsync(id, ct) is { } found ? TypedResults.Ok(found) : Problems.NotFound("No member with that id.");

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
        return TypedResults.Ok((await query.MembersAsync(AdminMemberFilter.None, ct, member.Id)).Single());
    }
}

/// <summary>The admin list's filters: free text (name, handle, email), product plan (exact) and product account (its id, exactly,
/// or part of its name).</summary>
internal sealed record AdminMemberFilter(string? Q, string? Plan, string? Account)
{
    public static readonly AdminMemberFilter None = new(null, null, null);

    public ValidationProblem? Validate()
    {
        var errors = new FieldErrors();
        if (Q?.Length > 200) errors.Add("q", "Search for up to 200 characters.");
        if (Plan?.Length > 100) errors.Add("plan", "A plan has up to 100 characters.");
        if (Account?.Length > 200) errors.Add("account", "An account id or name has up to 200 characters.");
        return errors.Any ? errors.ToProblem() : null;
    }

    public IQueryable<Member> Apply(IQueryable<Member> members)
    {
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var upper = Q.Trim().ToUpperInvariant();
            members = members.Where(m =>
                m.NormalizedEmail!.Contains(upper) || m.NormalizedUserName!.Contains(upper) || m.DisplayName.ToUpper().Contains(upper));
        }
        if (!string.IsNullOrWhiteSpace(Plan))
        {
            var plan = Plan.Trim();
            members = members.Where(m => m.Plan == plan);
        }
        if (!string.IsNullOrWhiteSpace(Account))
        {
            var account = Account.Trim();
            var upper = account.ToUpperInvariant();
            members = members.Where(m => m.AccountId == account || m.AccountName!.ToUpper().Contains(upper));
        }
        return members;
    }
}

/// <summary>Read model for the admin member list: one query with roles joined, not one per row.</summary>
internal sealed class AdminMemberQuery(Data.CommunityDb db)
{
    public async Task<List<AdminMember>> MembersAsync(AdminMemberFilter filter, CancellationToken ct, string? id = null)
    {
        var members = filter.Apply(db.Users.AsNoTracking());
        if (id is not null) members = members.Where(m => m.Id == id);
        var page = await members.OrderByDescending(m => m.JoinedAt).Take(100).ToListAsync(ct);
        return await WithRolesAsync(page, ct);
    }

    /// <summary>The members matching <paramref name="filter"/> after <paramref name="afterId"/>, in id order (for exports).</summary>
    public async Task<List<AdminMember>> BatchAsync(AdminMemberFilter filter, string? afterId, int size, CancellationToken ct)
    {
        var members = filter.Apply(db.Users.AsNoTracking());
        if (afterId is not null) members = members.Where(m => string.Compare(m.Id, afterId) > 0);
        return await WithRolesAsync(await members.OrderBy(m => m.Id).Take(size).ToListAsync(ct), ct);
    }

    public async Task<AdminMemberDetail?> DetailAsync(string id, CancellationToken ct)
    {
        var member = await db.Users.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (member is null) return null;
        return new AdminMemberDetail((await WithRolesAsync([member], ct)).Single(), Attributes(member.ProductAttributes));
    }

    /// <summary>The plans members are on (at most 200: plans are a product's price list, not free text).</summary>
    public async Task<List<PlanCount>> PlansAsync(CancellationToken ct) =>
        [.. (await db.Users.AsNoTracking().Where(m => m.Plan != null).GroupBy(m => m.Plan!)
            .Select(g => new { Plan = g.Key, Members = g.Count() }).OrderBy(p => p.Plan).Take(200).ToListAsync(ct))
            .Select(p => new PlanCount(p.Plan, p.Members))];

    /// <summary>The product's custom attributes; a value that is not a JSON object of strings shows as nothing rather than failing.</summary>
    public static IReadOnlyDictionary<string, string> Attributes(string? json)
    {
        if (string.IsNullOrEmpty(json)) return new Dictionary<string, string>();
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<SortedDictionary<string, string>>(json) ?? new SortedDictionary<string, string>();
        }
        catch (System.Text.Json.JsonException)
        {
            return new Dictionary<string, string>();
        }
    }

    private async Task<List<AdminMember>> WithRolesAsync(List<Member> page, CancellationToken ct)
    {
        var ids = page.Select(m => m.Id).ToList();
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ids.Contains(ur.UserId)
                           select new { ur.UserId, r.Name })
            .ToListAsync(ct);
        var byUser = roles.ToLookup(r => r.UserId, r => r.Name!);
        return [.. page.Select(m => new AdminMember(m.Id, m.UserName!, m.Email!, m.DisplayName, m.EmailConfirmed, m.JoinedAt, m.LockoutEnd,
            [.. byUser[m.Id].Order(StringComparer.Ordinal)], m.ExternalId, m.AccountId, m.AccountName, m.Plan, m.DeactivatedAt))];
    }
}
