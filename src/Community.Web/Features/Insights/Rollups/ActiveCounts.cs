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

    /// <summary>Recomputes the counts of every day from <paramref name="from"/> to <paramref name="to"/> (a member-day changes the
    /// weekly and monthly counts of the 29 days after it too, so callers pass the first changed day and today).</summary>
    public static async Task RecomputeAsync(CommunityDb db, DateOnly from, DateOnly to, CancellationToken ct)
    {
        if (from > to) return;
        var counts = await CountAsync(db.Set<InsightMemberDay>().AsNoTracking(), from, to, ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await RollupLock.TakeAsync(db, ct);
        await db.Set<InsightFigure>().Where(f => f.Day >= from && f.Day <= to && f.Metric.StartsWith(Prefix)).ExecuteDeleteAsync(ct);
        foreach (var (day, (d, w, m)) in counts)
        {
            if (d > 0) db.Add(new InsightFigure { Metric = Daily, Dimension = "", Day = day, Value = d });
            if (w > 0) db.Add(new InsightFigure { Metric = Weekly, Dimension = "", Day = day, Value = w });
            if (m > 0) db.Add(new InsightFigure { Metric = Monthly, Dimension = "", Day = day, Value = m });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>Walks the member-days in day order keeping each member's last active day: the members active in a window ending on
    /// a day are those whose last active day so far falls in it. One pass, whatever the length of the period.</summary>
    public static async Task<SortedDictionary<DateOnly, (long Day, long Week, long Month)>> CountAsync(IQueryable<InsightMemberDay> memberDays,
        DateOnly from, DateOnly to, CancellationToken ct)
    {
        var origin = from.AddDays(-29);
        var span = to.DayNumber - origin.DayNumber + 1;
        var lastBy = new Dictionary<string, int>(StringComparer.Ordinal);
        var onDay = new long[span]; // members whose last active day so far is origin + i
        var dailyCount = new long[span];
        var rows = memberDays.Where(m => m.Day >= origin && m.Day <= to).OrderBy(m => m.Day).Select(m => new { m.Day, m.MemberId });
        var result = new SortedDictionary<DateOnly, (long, long, long)>();
        var next = 0; // next index whose window is complete
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var i = row.Day.DayNumber - origin.DayNumber;
            for (; next < i; next++) Emit(next);
            if (lastBy.TryGetValue(row.MemberId, out var last)) onDay[last]--;
            lastBy[row.MemberId] = i;
            onDay[i]++;
            dailyCount[i]++;
        }
        for (; next < span; next++) Emit(next);
        return result;

        void Emit(int i)
        {
            if (i < 29) return;
            long week = 0, month = 0;
            for (var k = Math.Max(0, i - 29); k <= i; k++)
            {
                month += onDay[k];
                if (k > i - 7) week += onDay[k];
            }
            result[origin.AddDays(i)] = (dailyCount[i], week, month);
        }
    }
}
