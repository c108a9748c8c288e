using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>GET /api/mod/audit: the latest 200 moderator actions, newest first.</summary>
public static class AuditLog
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder moderators) =>
        moderators.MapGet("/mod/audit", async (CommunityDb db, IMemberDirectory members, CancellationToken ct) =>
        {
            var actions = await db.Set<ModAction>().AsNoTracking().OrderByDescending(a => a.Id).Take(200).ToListAsync(ct);
            var moderators = await members.FindManyAsync(actions.Select(a => a.ModeratorId), ct);
            return TypedResults.Ok(actions.Where(a => moderators.ContainsKey(a.ModeratorId))
                .Select(a => new ModActionDto(a.Id, moderators[a.ModeratorId].DisplayName, a.Action, a.Target, a.Reason, a.CreatedAt)).ToList());
        });
}
