using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Recognition;

public sealed record CreateBadgeRequest(string? Name, string? Description);
public sealed record GrantBadgeRequest(string? UserName, string? Reason);
public sealed record BadgeAdminDto(string Key, string Name, string Description, bool Manual, int Holders);
public sealed record BadgeHolderDto(string UserName, string DisplayName, DateTime GrantedAt, string? Reason);

/// <summary>
/// Admins' badges (/api/admin/badges): every badge with its number of holders; create a manual badge (name, description); grant
/// one to a member with a reason (twice → 409), list its holders, revoke it. Names are stored and sent as text; pages show them
/// with textContent, so a name written as HTML stays text.
/// </summary>
public static class ManageBadges
{
    public static void Map(RouteGroupBuilder admins)
    {
        admins.MapGet("/badges", ListAsync);
        admins.MapPost("/badges", CreateAsync);
        admins.MapGet("/badges/{key}/grants", HoldersAsync);
        admins.MapPost("/badges/{key}/grants", GrantAsync);
        admins.MapDelete("/badges/{key}/grants/{userName}", RevokeAsync);
    }

    private static async Task<Ok<List<BadgeAdminDto>>> ListAsync(CommunityDb db, CancellationToken ct)
    {
        var holders = await db.Set<MemberBadge>().AsNoTracking().GroupBy(b => b.Badge).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, ct);
        var custom = await db.Set<CustomBadge>().AsNoTracking().OrderBy(b => b.Name).ToListAsync(ct);
        var automatic = BadgeCatalog.Automatic.Select(b => new BadgeAdminDto(b.Key, b.Name, b.Description, false, holders.GetValueOrDefault(b.Key)));
        var manual = custom.Select(b => new BadgeAdminDto(b.Key, b.Name, b.Description, true, holders.GetValueOrDefault(b.Key)));
        return TypedResults.Ok(automatic.Concat(manual).ToList());
    }

    private static async Task<Results<Created<BadgeAdminDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateBadgeRequest request,
        CommunityDb db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("name", request.Name, 2, BadgeRules.NameMax, "Name");
        if (request.Description is { Length: > BadgeRules.DescriptionMax }) errors.Add("description",
            $"Description must be at most {BadgeRules.DescriptionMax} characters.");
        if (errors.Any) return errors.ToProblem();
        var name = request.Name!.Trim();
        if (BadgeCatalog.Automatic.Any(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase))
            || await db.Set<CustomBadge>().AnyAsync(b => b.Name == name, ct)) return Problems.Conflict("A badge with that name exists.");
        var badge = new CustomBadge { Name = name, Description = request.Description?.Trim() ?? "", CreatedAt = clock.GetUtcNow().UtcDateTime };
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            db.Add(badge);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e)) { return Problems.Conflict("A badge with that name exists."); }
            await tx.CommitAsync(ct);
        }
        return TypedResults.Created("/api/admin/badges", new BadgeAdminDto(badge.Key, badge.Name, badge.Description, true, 0));
    }

    private static async Task<Results<Ok<List<BadgeHolderDto>>, ProblemHttpResult>> HoldersAsync(string key, CommunityDb db,
        IMemberDirectory members, CancellationToken ct)
    {
        if (await NameOfAsync(db, key, ct) is null) return Problems.NotFound("No such badge.");
        var rows = await db.Set<MemberBadge>().AsNoTracking().Where(b => b.Badge == key).OrderByDescending(b => b.GrantedAt).Take(500)
            .ToListAsync(ct);
        var cards = await members.FindManyAsync(rows.Select(r => r.MemberId), ct);
        return TypedResults.Ok(rows.Where(r => cards.ContainsKey(r.MemberId))
            .Select(r => new BadgeHolderDto(cards[r.MemberId].UserName, cards[r.MemberId].DisplayName, r.GrantedAt, r.Reason)).ToList());
    }

    private static async Task<Results<Created<BadgeHolderDto>, ValidationProblem, ProblemHttpResult>> GrantAsync(string key,
        GrantBadgeRequest request, ClaimsPrincipal user, CommunityDb db, IMemberDirectory members, BadgeGrants grants, TimeProvider clock,
        CancellationToken ct)
    {
        if (BadgeCatalog.CustomId(key) is null || await NameOfAsync(db, key, ct) is not { } name)
        {
            return Problems.NotFound("No such manual badge (automatic badges are granted by their rules).");
        }
        var errors = new FieldErrors();
        errors.Text("userName", request.UserName, 1, 64, "Member");
        errors.Text("reason", request.Reason, 3, BadgeRules.ReasonMax, "Reason");
        if (errors.Any) return errors.ToProblem();
        var id = await members.FindIdByHandleAsync(request.UserName!.Trim().TrimStart('@'), ct);
        if (id is null || await members.FindAsync(id, ct) is not { } member)
        {
            return new FieldErrors().Add("userName", "No member has that username.").ToProblem();
        }
        var reason = request.Reason!.Trim();
        if (!await grants.GrantAsync(member.Id, key, name, reason, user.FindFirstValue(ClaimTypes.NameIdentifier), ct))
        {
            return Problems.Conflict($"{member.UserName} already holds this badge.");
        }
        return TypedResults.Created($"/api/admin/badges/{key}/grants",
            new BadgeHolderDto(member.UserName, member.DisplayName, clock.GetUtcNow().UtcDateTime, reason));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string key, string userName, IMemberDirectory members,
        BadgeGrants grants, CancellationToken ct)
    {
        var id = await members.FindIdByHandleAsync(userName, ct);
        return id is not null && await grants.RevokeAsync(id, key, ct) ? TypedResults.NoContent()
            : Problems.NotFound("That member does not hold this badge.");
    }

    /// <summary>The badge's name, automatic or manual; null when there is no such badge.</summary>
    internal static async Task<string?> NameOfAsync(CommunityDb db, string key, CancellationToken ct)
    {
        if (BadgeCatalog.Find(key) is { } automatic) return automatic.Name;
        return BadgeCatalog.CustomId(key) is { } id
            ? await db.Set<CustomBadge>().AsNoTracking().Where(b => b.Id == id).Select(b => b.Name).FirstOrDefaultAsync(ct)
            : null;
    }
}
