using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Insights.Rollups;

/// <summary>Daily, weekly and monthly active members (distinct members active on the day, in the 7 and in the 30 days ending on it),
/// stored per day from the member-days so a year's chart reads 365 rows.</summary>
public static class ActiveCounts
{
    public const string Prefix = "active.";
    public const string Daily = "active.day";
    public const string Weekly = "active.week";
    public const string Monthly = "active.month";

    /// <summary>The dimension of the counts of one plan's members ("" is everyone).</summary>
    public static string PlanDimension(string plan) => "plan:" + plan;

    /// <summary>Recomputes the counts of every day from <paramref name="from"/> to <paramref name="to"/> (a member-day changes the
    /// weekly and monthly counts of the 29 days after it too, so callers pass the first changed day and today), for everyone and
    /// for each plan (by the member's plan when the counts are computed).</summary>
    public static async Task RecomputeAsync(CommunityDb db, IReadOnlyDictionary<string, string> plans, DateOnly from, DateOnly to,
        CancellationToken ct)
    {
        if (from > to) return;
        var groups = await CountAsync(db.Set<InsightMemberDay>().AsNoTracking(), from, to, ct,
            id => plans.TryGetValue(id, out var plan) ? PlanDimension(plan) : null);
        await using var tx = await db.BeginWriteAsync(ct);
        await RollupLock.TakeAsync(db, ct);
        await db.Set<InsightFigure>().Where(f => f.Day >= from && f.Day <= to && f.Metric.StartsWith(Prefix)).ExecuteDeleteAsync(ct);
        foreach (var (dimension, counts) in groups)
        {
            foreach (var (day, (d, w, m)) in counts)
            {
                if (d > 0) db.Add(new InsightFigure { Metric = Daily, Dimension = dimension, Day = day, Value = d });
                if (w > 0) db.Add(new InsightFigure { Metric = Weekly, Dimension = dimension, Day = day, Value = w });
                if (m > 0) db.Add(new InsightFigure { Metric = Monthly, Dimension = dimension, Day = day, Value = m });
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>Walks the member-days in day order keeping each member's last active day: the members active in a window ending on
    /// a day are those whose last active day so far falls in it. One pass, whatever the length of the period; the counts of
    /// everyone are under "", and, when <paramref name="groupOf"/> is given, each member also counts in their group.</summary>
    public static async Task<Dictionary<string, SortedDictionary<DateOnly, (long Day, long Week, long Month)>>> CountAsync(
        IQueryable<InsightMemberDay> memberDays, DateOnly from, DateOnly to, CancellationToken ct, Func<string, string?>? groupOf = null)
    {
        var origin = from.AddDays(-29);
        var span = to.DayNumber - origin.DayNumber + 1;
        var lastBy = new Dictionary<string, (int Day, Tally? Group)>(StringComparer.Ordinal);
        var all = new Tally(span);
        var tallies = new Dictionary<string, Tally>(StringComparer.Ordinal) { [""] = all };
        var rows = memberDays.Where(m => m.Day >= origin && m.Day <= to).OrderBy(m => m.Day).Select(m => new { m.Day, m.MemberId });
        var next = 0; // next index whose window is complete
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var i = row.Day.DayNumber - origin.DayNumber;
            for (; next < i; next++) foreach (var t in tallies.Values) t.Emit(next, origin);
            if (lastBy.TryGetValue(row.MemberId, out var last))
            {
                all.Move(last.Day, i);
                last.Group?.Move(last.Day, i);
                lastBy[row.MemberId] = (i, last.Group);
                continue;
            }
            Tally? group = null;
            if (groupOf?.Invoke(row.MemberId) is { } key)
            {
                if (!tallies.TryGetValue(key, out group)) tallies[key] = group = new Tally(span, next);
            }
            all.Move(-1, i);
            group?.Move(-1, i);
            lastBy[row.MemberId] = (i, group);
        }
        for (; next < span; next++) foreach (var t in tallies.Values) t.Emit(next, origin);
        return tallies.ToDictionary(t => t.Key, t => t.Value.Result, StringComparer.Ordinal);
    }

    /// <summary>The running counts of one group: members by their last active day so far, members active on each day.</summary>
    private sealed class Tally(int span, int emitted = 0)
    {
        private readonly long[] _onDay = new long[span];
        private readonly long[] _daily = new long[span];
        private int _emitted = emitted;

        public SortedDictionary<DateOnly, (long Day, long Week, long Month)> Result { get; } = [];

        public void Move(int from, int to)
        {
            if (from >= 0) _onDay[from]--;
            _onDay[to]++;
            _daily[to]++;
        }

        public void Emit(int i, DateOnly origin)
        {
            // A group first seen late has no rows before it: its earlier days are all zero.
            for (; _emitted < i; _emitted++) Write(_emitted, origin);
            Write(i, origin);
            _emitted = i + 1;
        }

        private void Write(int i, DateOnly origin)
        {
            if (i < 29) return;
            long week = 0, month = 0;
            for (var k = i - 29; k <= i; k++)
            {
                month += _onDay[k];
                if (k > i - 7) week += _onDay[k];
            }
            Result[origin.AddDays(i)] = (_daily[i], week, month);
        }
    }
}
