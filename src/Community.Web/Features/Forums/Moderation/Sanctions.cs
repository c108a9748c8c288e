using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// Silencing (no posting) and suspending (no sign-in; every session ends at once) a member for some days:
/// GET /api/mod/sanctions lists the active ones, POST /api/mod/members/{userName}/sanctions adds one, DELETE
/// /api/mod/sanctions/{id} lifts it. Staff can only be sanctioned by an admin, and admins not at all.
/// </summary>
public static class Sanctions
{
    public static void Map(IEndpointRouteBuilder moderators)
    {
        moderators.MapGet("/mod/sanctions", async (CommunityDb db, IMemberDirectory members, TimeProvider clock, CancellationToken ct) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var active = await db.Set<MemberSanction>().AsNoTracking().Where(s => s.LiftedAt == null && s.Until > now).OrderBy(s => s.Until)
                .ToListAsync(ct);
            var people = await members.FindManyAsync(active.Select(s => s.MemberId), ct);
            return TypedResults.Ok(active.Where(s => people.ContainsKey(s.MemberId))
                .Select(s => new SanctionDto(s.Id, people[s.MemberId].UserName, s.Kind, s.Until, s.Reason)).ToList());
        });
        moderators.MapPost("/mod/members/{userName}/sanctions", (string userName, SanctionRequest request, ClaimsPrincipal user, Handler handler,
            CancellationToken ct) => handler.SanctionAsync(ForumViewer.From(user), userName, request, ct));
        moderators.MapDelete("/mod/sanctions/{id:long}", (long id, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.LiftAsync(ForumViewer.From(user), id, ct));
    }

    public static FieldErrors Validate(SanctionRequest request)
    {
        var errors = new FieldErrors();
        if (request.Kind is not (SanctionKinds.Silence or SanctionKinds.Suspend)) errors.Add("kind", "Kind is silence or suspend.");
        if (request.Days is not (>= 1 and <= 3650)) errors.Add("days", "Days must be between 1 and 3650.");
        errors.Text("reason", request.Reason, 3, 500, "Reason");
        return errors;
    }

    /// <summary>Members are read through the directory; the lockout itself is Accounts' own <see cref="UserManager{Member}"/> call.</summary>
    public sealed class Handler(CommunityDb db, IMemberDirectory members, ForumWrites writes, UserManager<Member> users, MemberSessions sessions,
        SanctionCache sanctions)
    {
        public async Task<Results<Created<SanctionDto>, ProblemHttpResult, ValidationProblem>> SanctionAsync(ForumViewer viewer, string userName,
            SanctionRequest request, CancellationToken ct)
        {
            if (Validate(request) is { Any: true } errors) return errors.ToProblem();
            // One lookup by handle gives the whole card; no second read by id.
            if (await members.FindByHandlesAsync([userName], ct) is not [var member, ..]) return ForumProblems.NotFound("member");
            var roles = (await members.RolesOfAsync([member.Id], ct))[member.Id].ToList();
            if (member.Id == viewer.MemberId) return Problems.Conflict("You cannot sanction yourself.");
            if (roles.Contains(Roles.Admin) || (roles.Contains(Roles.Moderator) && !viewer.IsAdmin))
                return Problems.Forbidden("Staff can only be sanctioned by an admin, and admins not at all.");
            var now = writes.Now;
            var until = now.AddDays(request.Days!.Value);
            var sanction = new MemberSanction
            {
                MemberId = member.Id, Kind = request.Kind!, Until = until, Reason = request.Reason!.Trim(), CreatedById = viewer.MemberId!,
                    CreatedAt = now,
            };
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                db.Add(sanction);
                db.Add(new ModAction
                {
                    ModeratorId = viewer.MemberId!, Action = request.Kind!, Target = $"@{member.UserName} for {request.Days} day(s)",
                        Reason = sanction.Reason,
                    CreatedAt = now,
                });
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            sanctions.Changed(member.Id);
            if (request.Kind == SanctionKinds.Suspend && await users.FindByIdAsync(member.Id) is { } account)
            {
                await users.SetLockoutEnabledAsync(account, true);
                await users.SetLockoutEndDateAsync(account, new DateTimeOffset(until, TimeSpan.Zero));
                await sessions.EndAllAsync(account); // signed out everywhere, live connections included, at once
                await sessions.AnnounceAsync(account.Id, ct);
            }
            return TypedResults.Created("/api/mod/sanctions", new SanctionDto(sanction.Id, member.UserName, sanction.Kind, until, sanction.Reason));
        }

        public async Task<Results<NoContent, ProblemHttpResult>> LiftAsync(ForumViewer viewer, long id, CancellationToken ct)
        {
            var sanction = await db.Set<MemberSanction>().FirstOrDefaultAsync(s => s.Id == id && s.LiftedAt == null, ct);
            if (sanction is null) return ForumProblems.NotFound("sanction");
            var member = await members.FindAsync(sanction.MemberId, ct);
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                sanction.LiftedAt = writes.Now;
                db.Add(new ModAction
                {
                    ModeratorId = viewer.MemberId!, Action = ModActions.Lift(sanction.Kind), Target = "@" + member?.UserName, Reason = "",
                        CreatedAt = writes.Now,
                });
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            sanctions.Changed(sanction.MemberId);
            if (sanction.Kind == SanctionKinds.Suspend && member is not null && await users.FindByIdAsync(member.Id) is { } account)
                await users.SetLockoutEndDateAsync(account, null);
            return TypedResults.NoContent();
        }
    }
}
