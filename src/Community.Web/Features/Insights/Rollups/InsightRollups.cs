using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Insights.Rollups;

/// <summary>Lets one fold or rebuild run at a time in this process (several servers are kept apart by the job lease and by
/// recomputing whole days: two servers writing the same day write the same rows).</summary>
public sealed class InsightRollupGate
{
    internal SemaphoreSlim Gate { get; } = new(1, 1);
}

/// <summary>
/// Keeps the daily roll-ups: <see cref="FoldAsync"/> finds the days that changed since the last pass (new raw rows by id, plus today
/// and yesterday for visits and late writes) and recomputes each of them whole from the raw rows; <see cref="RebuildAsync"/>
/// recomputes every day. Both write the same rows for the same raw data, so a rebuild matches the incremental result exactly.
/// </summary>
public sealed class InsightRollups(CommunityDb db, IEnumerable<IInsightRollup> rollups, IInsightSegments segments, InsightRollupGate gate,
    TimeProvider clock)
{
    // Rows committed out of id order (PostgreSQL sequences) land behind the watermark: each pass looks this far back again.
    private const long Overlap = 1000;

    public async Task<int> FoldAsync(CancellationToken ct)
    {
        await gate.Gate.WaitAsync(ct);
        try
        {
            var today = Today();
            var days = new SortedSet<DateOnly> { today, today.AddDays(-1) };
            var marks = await db.Set<InsightWatermark>().AsNoTracking().ToDictionaryAsync(w => w.Feed, w => w.LastId, ct);
            var seen = new Dictionary<string, long>();
            foreach (var feed in rollups.SelectMany(r => r.Feeds))
            {
                var high = await feed.MaxIdAsync(ct);
                var low = Math.Max(0, marks.GetValueOrDefault(feed.Name) - Overlap);
                if (high > low) days.UnionWith(await feed.DaysAsync(low, high, ct));
                seen[feed.Name] = high;
            }
            days.RemoveWhere(d => d > today);
            await RecomputeAsync(days, rebuild: false, ct);
            await SaveMarksAsync(seen, ct);
            return days.Count;
        }
        finally { gate.Gate.Release(); }
    }

    /// <summary>Recomputes the last <paramref name="days"/> days whatever the watermarks say: the nightly pass, for changes that
    /// add no row (a referral rejected after review, a member's new plan, a thread moved with its replies).</summary>
    public async Task<int> RecomputeRecentAsync(int days, CancellationToken ct)
    {
        await gate.Gate.WaitAsync(ct);
        try
        {
            var today = Today();
            var set = new SortedSet<DateOnly>();
            for (var d = today.AddDays(1 - days); d <= today; d = d.AddDays(1)) set.Add(d);
            await RecomputeAsync(set, rebuild: false, ct);
            return set.Count;
        }
        finally { gate.Gate.Release(); }
    }

    public async Task<int> RebuildAsync(CancellationToken ct)
    {
        await gate.Gate.WaitAsync(ct);
        try
        {
            var today = Today();
            var seen = new Dictionary<string, long>();
            foreach (var feed in rollups.SelectMany(r => r.Feeds)) seen[feed.Name] = await feed.MaxIdAsync(ct);
            DateOnly? first = await db.Set<InsightVisit>().OrderBy(v => v.Day).Select(v => (DateOnly?)v.Day).FirstOrDefaultAsync(ct);
            foreach (var rollup in rollups)
            {
                var own = await rollup.FirstDayAsync(ct);
                if (own is { } d && (first is null || d < first)) first = d;
            }
            var start = first ?? today;
            if (start > today) start = today;
            await db.Set<InsightFigure>().Where(f => f.Day < start || f.Day > today).ExecuteDeleteAsync(ct);
            await db.Set<InsightMemberDay>().Where(f => f.Day < start || f.Day > today).ExecuteDeleteAsync(ct);
            var days = new SortedSet<DateOnly>();
            for (var d = start; d <= today; d = d.AddDays(1)) days.Add(d);
            await RecomputeAsync(days, rebuild: true, ct);
            await SaveMarksAsync(seen, ct);
            return days.Count;
        }
        finally { gate.Gate.Release(); }
    }

    private DateOnly Today() => InsightDays.Of(clock.GetUtcNow().UtcDateTime);

    private async Task RecomputeAsync(SortedSet<DateOnly> days, bool rebuild, CancellationToken ct)
    {
        if (days.Count == 0) return;
        var asked = days.ToList();
        foreach (var rollup in rollups) days.UnionWith(await rollup.RefreshAsync(asked, rebuild, ct));
        var today = Today();
        days.RemoveWhere(d => d > today);
        foreach (var day in days)
        {
            var figures = new List<DayFigure>();
            var active = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rollup in rollups)
            {
                var part = await rollup.ComputeDayAsync(day, ct);
                figures.AddRange(part.Figures);
                active.UnionWith(part.ActiveMembers);
            }
            active.UnionWith(await db.Set<InsightVisit>().Where(v => v.Day == day).Select(v => v.MemberId).ToListAsync(ct));
            await WriteDayAsync(day, figures, active, ct);
        }
        await ActiveCounts.RecomputeAsync(db, await segments.PlanOfMembersAsync(ct), days.Min, Today(), ct);
    }

    private async Task WriteDayAsync(DateOnly day, List<DayFigure> figures, HashSet<string> active, CancellationToken ct)
    {
        await using var tx = await db.BeginWriteAsync(ct);
        await RollupLock.TakeAsync(db, ct);
        await db.Set<InsightFigure>().Where(f => f.Day == day && !f.Metric.StartsWith(ActiveCounts.Prefix)).ExecuteDeleteAsync(ct);
        await db.Set<InsightMemberDay>().Where(f => f.Day == day).ExecuteDeleteAsync(ct);
        db.Set<InsightFigure>().AddRange(figures.Where(f => f.Value != 0)
            .Select(f => new InsightFigure { Metric = f.Metric, Dimension = f.Dimension, Day = day, Value = f.Value }));
        db.Set<InsightMemberDay>().AddRange(active.Select(m => new InsightMemberDay { Day = day, MemberId = m }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task SaveMarksAsync(Dictionary<string, long> seen, CancellationToken ct)
    {
        await using var tx = await db.BeginWriteAsync(ct);
        await RollupLock.TakeAsync(db, ct);
        await db.Set<InsightWatermark>().Where(w => seen.Keys.Contains(w.Feed)).ExecuteDeleteAsync(ct);
        db.Set<InsightWatermark>().AddRange(seen.Select(s => new InsightWatermark { Feed = s.Key, LastId = s.Value }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }
}
