using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Lifecycle.Insights;

/// <summary>Reads and rebuilds the daily stage-flow roll-up (<see cref="StageFlowDay"/>), which the stage changes keep current.</summary>
public sealed class StageFlowRollup(CommunityDb db)
{
    /// <summary>Every flow up to <paramref name="to"/> (inclusive). The table has at most a few dozen rows per day: years of it are small.</summary>
    public Task<List<StageFlowDay>> UpToAsync(DateOnly to, CancellationToken ct) =>
        db.Set<StageFlowDay>().AsNoTracking().Where(f => f.Day <= to).OrderBy(f => f.Day).ToListAsync(ct);

    /// <summary>Recomputes the roll-up from the history (after a restore, or to check it): the result equals the kept one.</summary>
    public async Task RebuildAsync(CancellationToken ct)
    {
        var rows = await db.Set<MemberStageChange>().AsNoTracking()
            .GroupBy(c => new { c.At.Date, c.FromStage, c.ToStage })
            .Select(g => new { g.Key.Date, g.Key.FromStage, g.Key.ToStage, Count = g.Count() }).ToListAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await db.Set<StageFlowDay>().ExecuteDeleteAsync(ct);
        db.AddRange(rows.Select(r => new StageFlowDay
        {
            Day = DateOnly.FromDateTime(r.Date), FromStage = r.FromStage, ToStage = r.ToStage, Count = r.Count,
        }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>Members in each stage at the end of each day from <paramref name="from"/> to <paramref name="to"/>: the running sum of
    /// the flows (into a stage +1, out of it −1) from the first day on.</summary>
    public static Dictionary<string, int[]> Distribution(IReadOnlyList<StageFlowDay> flows, DateOnly from, DateOnly to)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        var series = Stages.All.ToDictionary(s => s, _ => new int[days], StringComparer.Ordinal);
        var running = Stages.All.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        var i = 0;
        var day = from;
        foreach (var flow in flows.Where(f => f.Day <= to).OrderBy(f => f.Day))
        {
            while (flow.Day > day && i < days) Record(ref day);
            if (running.ContainsKey(flow.ToStage)) running[flow.ToStage] += flow.Count;
            if (running.ContainsKey(flow.FromStage)) running[flow.FromStage] -= flow.Count;
        }
        while (i < days) Record(ref day);
        return series;

        void Record(ref DateOnly d)
        {
            if (d >= from)
            {
                foreach (var (stage, count) in running) series[stage][i] = count;
                i++;
            }
            d = d.AddDays(1);
        }
    }
}
