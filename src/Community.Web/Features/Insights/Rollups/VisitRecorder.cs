using Community.Web.Data;
using Community.Web.Infrastructure.Activity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Insights.Rollups;

/// <summary>Keeps the reported visits (one row per member and day; repeats from other servers are ignored), which count towards
/// active members at the next fold.</summary>
internal sealed class VisitRecorder(CommunityDb db) : IMemberActivityHandler
{
    public async Task HandleAsync(IReadOnlyList<MemberActivity> batch, CancellationToken ct)
    {
        var visits = batch.Where(a => a.Kind == ActivityKind.Visited).Select(a => (Day: InsightDays.Of(a.At), a.MemberId)).Distinct().ToList();
        if (visits.Count == 0) return;
        var days = visits.Select(v => v.Day).Distinct().ToList();
        var ids = visits.Select(v => v.MemberId).Distinct().ToList();
        var known = (await db.Set<InsightVisit>().Where(v => days.Contains(v.Day) && ids.Contains(v.MemberId))
            .Select(v => new { v.Day, v.MemberId }).ToListAsync(ct)).Select(v => (v.Day, v.MemberId)).ToHashSet();
        foreach (var (day, memberId) in visits.Where(v => !known.Contains(v)))
        {
            db.Add(new InsightVisit { Day = day, MemberId = memberId });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e)) { } // another server recorded it first
            db.ChangeTracker.Clear();
        }
    }
}
