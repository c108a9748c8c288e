using Community.Web.Data;
using Community.Web.Features.Insights;
using Community.Web.Features.Insights.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge.Insights;

/// <summary>"Was this helpful?" answers given (or last changed) in the period: how many, and the share that said yes.</summary>
internal sealed class HelpfulnessInsight(CommunityDb db) : IInsightSource
{
    public string Key => "kb-helpfulness";
    public string Title => "Knowledge-base helpfulness";
    public int Order => 90;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var now = await DailyAsync(query.From, query.To, ct);
        var before = await DailyAsync(query.PreviousFrom, query.PreviousTo, ct);
        var (yes, all) = (now.Values.Sum(v => v.Yes), now.Values.Sum(v => v.All));
        var share = InsightShapes.Share(yes, all);
        var previousShare = InsightShapes.Share(before.Values.Sum(v => v.Yes), before.Values.Sum(v => v.All));
        var summary = all == 0 ? "No one answered \"Was this helpful?\" in the period."
            : $"{share:0.#}% of {InsightShapes.Number(all)} answers found an article helpful, "
              + $"{InsightShapes.Change(share, previousShare, query.Days, percentagePoints: true)}.";
        return new InsightChart(Key, Title, "answers", summary, Series(now, query.From, query.To),
            Series(before, query.PreviousFrom, query.PreviousTo),
            new Dictionary<string, double> { ["helpful"] = yes, ["notHelpful"] = all - yes, ["share"] = share },
            new Dictionary<string, double>
            {
                ["helpful"] = before.Values.Sum(v => v.Yes), ["notHelpful"] = before.Values.Sum(v => v.All - v.Yes), ["share"] = previousShare,
            });
    }

    private static List<InsightSeries> Series(Dictionary<DateOnly, (long Yes, long All)> d, DateOnly from, DateOnly to) =>
    [
        InsightShapes.Daily("Helpful", from, to, day => d.TryGetValue(day, out var v) ? v.Yes : 0),
        InsightShapes.Daily("Not helpful", from, to, day => d.TryGetValue(day, out var v) ? v.All - v.Yes : 0),
    ];

    private async Task<Dictionary<DateOnly, (long Yes, long All)>> DailyAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (start, end) = (InsightDays.Start(from), InsightDays.Start(to.AddDays(1)));
        var rows = await db.Set<KbFeedback>().AsNoTracking().Where(f => f.UpdatedAt >= start && f.UpdatedAt < end)
            .Select(f => new { f.UpdatedAt, f.Helpful }).ToListAsync(ct);
        return rows.GroupBy(r => InsightDays.Of(r.UpdatedAt)).ToDictionary(g => g.Key, g => ((long)g.Count(r => r.Helpful), (long)g.Count()));
    }
}
