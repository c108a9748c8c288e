using Community.Web.Data;
using Community.Web.Features.Insights.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Insights;

/// <summary>Daily, weekly and monthly active members and stickiness (DAU/MAU). For everyone or one plan it reads the stored daily
/// counts; for an account it counts that account's member-days in one pass.</summary>
internal sealed class ActiveMembersInsight(CommunityDb db, InsightFigures figures, IInsightSegments segments) : IInsightSource
{
    public string Key => "active-members";
    public string Title => "Active members";
    public int Order => 20;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var now = await CountsAsync(query, query.From, query.To, ct);
        var before = await CountsAsync(query, query.PreviousFrom, query.PreviousTo, ct);
        var totals = Totals(now, query.From, query.To);
        var previous = Totals(before, query.PreviousFrom, query.PreviousTo);
        var summary = $"On average {InsightShapes.Number(totals["dau"])} members were active a day "
            + $"({InsightShapes.Change(totals["dau"], previous["dau"], query.Days)}), "
            + $"{InsightShapes.Number(totals["mau"])} in the 30 days to {query.To:d MMM yyyy}; stickiness (DAU/MAU) {totals["stickiness"]:0.#}%.";
        return new InsightChart(Key, Title, "members", summary, Series(now, query.From, query.To),
            Series(before, query.PreviousFrom, query.PreviousTo), totals, previous);
    }

    private async Task<IReadOnlyDictionary<DateOnly, (long Day, long Week, long Month)>> CountsAsync(InsightQuery query, DateOnly from,
        DateOnly to, CancellationToken ct)
    {
        if (query.Account is null)
        {
            var dimension = query.Plan is null ? "" : ActiveCounts.PlanDimension(query.Plan);
            var daily = await figures.DailyAsync([ActiveCounts.Daily, ActiveCounts.Weekly, ActiveCounts.Monthly], dimension, from, to, ct);
            return InsightShapes.Days(from, to).ToDictionary(d => d, d => (daily[ActiveCounts.Daily].GetValueOrDefault(d),
                daily[ActiveCounts.Weekly].GetValueOrDefault(d), daily[ActiveCounts.Monthly].GetValueOrDefault(d)));
        }
        var ids = segments.MemberIds(query.Plan, query.Account);
        // An account is a handful of members: their member-days are counted as asked.
        return (await ActiveCounts.CountAsync(db.Set<InsightMemberDay>().AsNoTracking().Where(m => ids.Contains(m.MemberId)), from, to, ct))[""];
    }

    private static List<InsightSeries> Series(IReadOnlyDictionary<DateOnly, (long Day, long Week, long Month)> counts, DateOnly from, DateOnly to)
    {
        (long Day, long Week, long Month) At(DateOnly d) => counts.TryGetValue(d, out var c) ? c : default;
        return
        [
            InsightShapes.Daily("Daily active", from, to, d => At(d).Day),
            InsightShapes.Daily("Weekly active", from, to, d => At(d).Week),
            InsightShapes.Daily("Monthly active", from, to, d => At(d).Month),
            InsightShapes.Daily("Stickiness %", from, to, d => InsightShapes.Share(At(d).Day, At(d).Month)),
        ];
    }

    private static Dictionary<string, double> Totals(IReadOnlyDictionary<DateOnly, (long Day, long Week, long Month)> counts, DateOnly from,
        DateOnly to)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        var inPeriod = counts.Where(c => c.Key >= from && c.Key <= to).ToList();
        var dailySum = inPeriod.Sum(c => c.Value.Day);
        var monthlySum = inPeriod.Sum(c => c.Value.Month);
        var mau = counts.TryGetValue(to, out var last) ? last.Month : 0;
        // Average DAU over average MAU, from the unrounded sums: each day's DAU is at most its MAU, so this never passes 100%.
        return new Dictionary<string, double>
        {
            ["dau"] = Math.Round(dailySum / (double)days, 1), ["mau"] = mau,
            ["stickiness"] = monthlySum == 0 ? 0 : Math.Round(100.0 * dailySum / monthlySum, 1),
        };
    }
}
