using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Lifecycle;

public sealed record StageChangeView(string From, string FromLabel, string To, string ToLabel, string Cause, DateTime At);

public sealed record MemberLifecycleView(string MemberId, string Stage, string Label, DateTime Since, string Cause,
    IReadOnlyList<StageChangeView> History);

/// <summary>A member's stage for other features (the profile shows it to staff only; the timeline lists the changes).</summary>
public interface IMemberLifecycle
{
    /// <summary>The current stage and the whole history, newest first; null when no stage was computed yet.</summary>
    Task<MemberLifecycleView?> OfAsync(string memberId, CancellationToken ct);
}

internal sealed class MemberLifecycle(CommunityDb db) : IMemberLifecycle
{
    public async Task<MemberLifecycleView?> OfAsync(string memberId, CancellationToken ct)
    {
        var current = await db.Set<MemberStage>().AsNoTracking().FirstOrDefaultAsync(s => s.MemberId == memberId, ct);
        if (current is null) return null;
        var history = await db.Set<MemberStageChange>().AsNoTracking().Where(c => c.MemberId == memberId)
            .OrderByDescending(c => c.At).ThenByDescending(c => c.Id).Take(500).ToListAsync(ct);
        return new MemberLifecycleView(memberId, current.Stage, Stages.Label(current.Stage), current.Since, current.Cause,
            [.. history.Select(c => new StageChangeView(c.FromStage, c.FromStage.Length == 0 ? "" : Stages.Label(c.FromStage), c.ToStage,
                Stages.Label(c.ToStage), c.Cause, c.At))]);
    }
}

/// <summary><c>GET /api/admin/members/{id}/lifecycle</c>: the member's stage and its history, for staff.</summary>
internal static class ShowMemberLifecycle
{
    public static void Map(RouteGroupBuilder staff) => staff.MapGet("/{id}/lifecycle", Handle);

    private static async Task<Results<Ok<MemberLifecycleView>, ProblemHttpResult>> Handle(string id, IMemberDirectory members,
        IMemberLifecycle lifecycle, CancellationToken ct)
    {
        if (await members.FindAsync(id, ct) is null) return Infrastructure.Problems.Problems.NotFound("No member with that id.");
        return await lifecycle.OfAsync(id, ct) is { } view
            ? TypedResults.Ok(view)
            : Infrastructure.Problems.Problems.NotFound("This member's stage has not been worked out yet; it is within a minute of joining.");
    }
}

/// <summary>Lifecycle's part of "download my data" and "erase my account". Erasing records the member leaving their stage (so the
/// stage distribution stops counting them and still equals a recomputation from the history) and detaches the history from them.</summary>
internal sealed class LifecycleMemberData(CommunityDb db, IMemberLifecycle lifecycle, TimeProvider clock) : IMemberDataSection
{
    public string Name => "lifecycle";

    public async Task<object?> ExportAsync(string memberId, CancellationToken ct) => await lifecycle.OfAsync(memberId, ct);

    public async Task EraseAsync(string memberId, CancellationToken ct)
    {
        var current = await db.Set<MemberStage>().AsNoTracking().FirstOrDefaultAsync(s => s.MemberId == memberId, ct);
        if (current is null) return;
        var now = clock.GetUtcNow().UtcDateTime;
        var day = DateOnly.FromDateTime(now);
        await db.Set<MemberStage>().Where(s => s.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<MemberStageChange>().Where(c => c.MemberId == memberId).ExecuteUpdateAsync(s => s.SetProperty(c => c.MemberId, ""), ct);
        db.Add(new MemberStageChange { MemberId = "", FromStage = current.Stage, ToStage = "", Cause = "account erased", At = now });
        await db.SaveChangesAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "StageFlowDays" ("Day", "FromStage", "ToStage", "Count") VALUES ({day}, {current.Stage}, '', 1)
            ON CONFLICT ("Day", "FromStage", "ToStage") DO UPDATE SET "Count" = "StageFlowDays"."Count" + 1
            """, ct);
    }
}
