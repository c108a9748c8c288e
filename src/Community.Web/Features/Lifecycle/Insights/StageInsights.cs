using System.Globalization;
using Community.Web.Features.Insights;

namespace Community.Web.Features.Lifecycle.Insights;

/// <summary>
/// The <c>stages</c> chart: members in each lifecycle stage at the end of each day of the period, one series per stage, with the
/// previous period. Read from the daily flow roll-up only (a running sum), so 12 months cost one small query. Stages are about
/// members, not categories; the plan and account filters are not applied (the summary says so).
/// </summary>
internal sealed class StageDistributionInsight(StageFlowRollup rollup) : IInsightSource
{
    public string Key => "stages";
    public string Title => "Lifecycle stages";
    public int Order => 600;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var flows = await rollup.UpToAsync(query.To, ct);
        var current = StageFlowRollup.Distribution(flows, query.From, query.To);
        var previous = StageFlowRollup.Distribution(flows, query.PreviousFrom, query.PreviousTo);
        var totals = Stages.All.ToDictionary(Stages.Label, s => (double)current[s][^1]);
        var previousTotals = Stages.All.ToDictionary(Stages.Label, s => (double)previous[s][^1]);
        var members = totals.Values.Sum();
        var parts = Stages.All.Where(s => current[s][^1] > 0)
            .Select(s => $"{current[s][^1].ToString("N0", CultureInfo.InvariantCulture)} {Stages.Label(s)}"
                + Change(current[s][^1], previous[s][^1]));
        var summary = members == 0
            ? "No member has a lifecycle stage yet."
            : $"On {query.To:yyyy-MM-dd}: {string.Join(", ", parts)} (of {members.ToString("N0", CultureInfo.InvariantCulture)} members)."
              + (query.Plan is not null || query.Account is not null || query.CategoryId is not null ? " Filters do not apply to stages." : "");
        return new InsightChart(Key, Title, "members", summary, Series(current, query.From), Series(previous, query.PreviousFrom), totals,
            previousTotals);
    }

    private static List<InsightSeries> Series(Dictionary<string, int[]> counts, DateOnly from) =>
        [.. Stages.All.Select(s => new InsightSeries(Stages.Label(s), [.. counts[s].Select((n, i) => new InsightPoint(from.AddDays(i), n))]))];

    private static string Change(int now, int before) =>
        before == 0 ? "" : $" ({(now >= before ? "up" : "down")} {Math.Abs(now - before) * 100.0 / before:0}% on the previous period)";
}

/// <summary>
/// The <c>stage-flows</c> chart: how many members moved from each stage to each other in the period, next to the previous period, as a
/// table (from, to, members, previous, change); the series are the day's number of moves.
/// </summary>
internal sealed class StageFlowsInsight(StageFlowRollup rollup) : IInsightSource
{
    public string Key => "stage-flows";
    public string Title => "Flows between lifecycle stages";
    public int Order => 610;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var flows = (await rollup.UpToAsync(query.To, ct)).Where(f => f.Day >= query.PreviousFrom).ToList();
        var now = Sum(flows, query.From, query.To);
        var before = Sum(flows, query.PreviousFrom, query.PreviousTo);
        var rows = now.Keys.Union(before.Keys)
            .OrderByDescending(k => now.GetValueOrDefault(k)).ThenBy(k => Rank(k.From)).ThenBy(k => Rank(k.To))
            .Select(k => (IReadOnlyList<string>)[Name(k.From), Name(k.To), Num(now.GetValueOrDefault(k)), Num(before.GetValueOrDefault(k)),
                Delta(now.GetValueOrDefault(k), before.GetValueOrDefault(k))])
            .ToList();
        var moves = now.Values.Sum();
        var previousMoves = before.Values.Sum();
        var top = now.OrderByDescending(p => p.Value).Take(3).Select(p => $"{Name(p.Key.From)} → {Name(p.Key.To)} {Num(p.Value)}");
        var summary = moves == 0
            ? "No member changed stage in this period."
            : $"{Num(moves)} stage changes ({Num(previousMoves)} in the previous period). Largest: {string.Join("; ", top)}.";
        var table = new InsightTable(["From", "To", "Members", "Previous period", "Change"], rows);
        return new InsightChart(Key, Title, "members", summary,
            [Daily(flows, query.From, query.To)], [Daily(flows, query.PreviousFrom, query.PreviousTo)],
            new Dictionary<string, double> { ["Stage changes"] = moves },
            new Dictionary<string, double> { ["Stage changes"] = previousMoves }, table);
    }

    private static Dictionary<(string From, string To), int> Sum(List<StageFlowDay> flows, DateOnly from, DateOnly to) =>
        flows.Where(f => f.Day >= from && f.Day <= to).GroupBy(f => (f.FromStage, f.ToStage)).ToDictionary(g => g.Key, g => g.Sum(f => f.Count));

    private static InsightSeries Daily(List<StageFlowDay> flows, DateOnly from, DateOnly to)
    {
        var byDay = flows.Where(f => f.Day >= from && f.Day <= to).GroupBy(f => f.Day).ToDictionary(g => g.Key, g => g.Sum(f => f.Count));
        return new InsightSeries("Stage changes", [.. Enumerable.Range(0, to.DayNumber - from.DayNumber + 1)
            .Select(i => new InsightPoint(from.AddDays(i), byDay.GetValueOrDefault(from.AddDays(i))))]);
    }

    private static int Rank(string stage) => stage.Length == 0 ? -1 : Stages.All.ToList().IndexOf(stage);
    private static string Name(string stage) => stage.Length == 0 ? "(none)" : Stages.Label(stage);
    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Delta(int now, int before) =>
        before == 0 ? (now == 0 ? "0" : "new") : $"{(now - before) * 100.0 / before:+0;-0;0}%";
}
