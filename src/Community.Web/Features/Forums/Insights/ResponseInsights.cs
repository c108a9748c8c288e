using Community.Web.Data;
using Community.Web.Features.Insights;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums.Insights;

/// <summary>Median and 90th percentile time to first response (by someone other than the author) of the threads started each day.</summary>
internal sealed class FirstResponseInsight(CommunityDb db) : IInsightSource
{
    public string Key => "first-response";
    public string Title => "Time to first response";
    public int Order => 40;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var now = await SecondsAsync(query, query.From, query.To, ct);
        var before = await SecondsAsync(query, query.PreviousFrom, query.PreviousTo, ct);
        var totals = Totals(now);
        var previous = Totals(before);
        var summary = now.Count == 0 ? "No thread started in the period has had a response yet."
            : $"Median time to first response {Hours(totals["median"])} ({InsightShapes.Change(totals["median"], previous["median"], query.Days)}),"
              + $" 90th percentile {Hours(totals["p90"])}, over {InsightShapes.Number(now.Count)} answered threads.";
        return new InsightChart(Key, Title, "hours", summary, Series(now, query.From, query.To), Series(before, query.PreviousFrom, query.PreviousTo),
            totals, previous);
    }

    private static string Hours(double hours) => hours < 1 ? $"{Math.Round(hours * 60)} min" : $"{hours:0.#} h";

    private async Task<List<(DateOnly Day, long Seconds)>> SecondsAsync(InsightQuery query, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var facts = db.Set<ThreadFact>().AsNoTracking().Where(f => f.Day >= from && f.Day <= to && f.FirstResponseSeconds != null);
        if (query.CategoryId is { } c) facts = facts.Where(f => f.CategoryId == c);
        return (await facts.Select(f => new { f.Day, Seconds = f.FirstResponseSeconds!.Value }).ToListAsync(ct))
            .Select(f => (f.Day, f.Seconds)).ToList();
    }

    private static Dictionary<string, double> Totals(List<(DateOnly Day, long Seconds)> rows)
    {
        var sorted = rows.Select(r => r.Seconds).Order().ToArray();
        return new() { ["median"] = ToHours(Quantile(sorted, 0.5)), ["p90"] = ToHours(Quantile(sorted, 0.9)), ["answered"] = sorted.Length };
    }

    private static List<InsightSeries> Series(List<(DateOnly Day, long Seconds)> rows, DateOnly from, DateOnly to)
    {
        var byDay = rows.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Select(r => r.Seconds).Order().ToArray());
        return
        [
            InsightShapes.Daily("Median hours", from, to, d => byDay.TryGetValue(d, out var s) ? ToHours(Quantile(s, 0.5)) : 0),
            InsightShapes.Daily("90th percentile hours", from, to, d => byDay.TryGetValue(d, out var s) ? ToHours(Quantile(s, 0.9)) : 0),
        ];
    }

    private static double ToHours(double seconds) => Math.Round(seconds / 3600, 2);

    /// <summary>Nearest-rank quantile: the smallest value with at least <paramref name="q"/> of the values at or below it.</summary>
    public static double Quantile(long[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>The share of threads with no response from someone else within 24 hours (threads younger than a day are not counted).</summary>
internal sealed class UnansweredInsight(CommunityDb db, TimeProvider clock) : IInsightSource
{
    public string Key => "unanswered";
    public string Title => "Threads without a response after 24 hours";
    public int Order => 50;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var now = await DailyAsync(query, query.From, query.To, ct);
        var before = await DailyAsync(query, query.PreviousFrom, query.PreviousTo, ct);
        var (share, previousShare) = (Share(now), Share(before));
        var late = now.Values.Sum(v => v.Late);
        var summary = $"{share:0.#}% of threads ({InsightShapes.Number(late)} of {InsightShapes.Number(now.Values.Sum(v => v.Total))}) had no response"
            + $" after 24 hours, {InsightShapes.Change(share, previousShare, query.Days, percentagePoints: true)}.";
        return new InsightChart(Key, Title, "%", summary, [Series(now, query.From, query.To)], [Series(before, query.PreviousFrom, query.PreviousTo)],
            new Dictionary<string, double> { ["share"] = share, ["unanswered"] = late },
            new Dictionary<string, double> { ["share"] = previousShare, ["unanswered"] = before.Values.Sum(v => v.Late) });
    }

    private static double Share(Dictionary<DateOnly, (long Late, long Total)> d) =>
        InsightShapes.Share(d.Values.Sum(v => v.Late), d.Values.Sum(v => v.Total));

    private static InsightSeries Series(Dictionary<DateOnly, (long Late, long Total)> d, DateOnly from, DateOnly to) =>
        InsightShapes.Daily("No response after 24 h %", from, to, day => d.TryGetValue(day, out var v) ? InsightShapes.Share(v.Late, v.Total) : 0);

    private async Task<Dictionary<DateOnly, (long Late, long Total)>> DailyAsync(InsightQuery query, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddHours(-24);
        var facts = db.Set<ThreadFact>().AsNoTracking().Where(f => f.Day >= from && f.Day <= to && f.CreatedAt <= cutoff);
        if (query.CategoryId is { } c) facts = facts.Where(f => f.CategoryId == c);
        var rows = await facts.GroupBy(f => f.Day).Select(g => new
        {
            Day = g.Key, Total = g.Count(), Late = g.Count(f => f.FirstResponseSeconds == null || f.FirstResponseSeconds > 86400),
        }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Day, r => ((long)r.Late, (long)r.Total));
    }
}

/// <summary>The share of threads started in Q&amp;A categories that have an accepted answer.</summary>
internal sealed class SolvedInsight(CommunityDb db) : IInsightSource
{
    public string Key => "solved";
    public string Title => "Solved rate in Q&A categories";
    public int Order => 60;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var now = await DailyAsync(query, query.From, query.To, ct);
        var before = await DailyAsync(query, query.PreviousFrom, query.PreviousTo, ct);
        var rate = InsightShapes.Share(now.Values.Sum(v => v.Solved), now.Values.Sum(v => v.Total));
        var previousRate = InsightShapes.Share(before.Values.Sum(v => v.Solved), before.Values.Sum(v => v.Total));
        var summary = $"{rate:0.#}% of {InsightShapes.Number(now.Values.Sum(v => v.Total))} questions are solved, "
            + $"{InsightShapes.Change(rate, previousRate, query.Days, percentagePoints: true)}.";
        return new InsightChart(Key, Title, "%", summary, [Series(now, query.From, query.To)], [Series(before, query.PreviousFrom, query.PreviousTo)],
            new Dictionary<string, double> { ["rate"] = rate, ["questions"] = now.Values.Sum(v => v.Total) },
            new Dictionary<string, double> { ["rate"] = previousRate, ["questions"] = before.Values.Sum(v => v.Total) });
    }

    private static InsightSeries Series(Dictionary<DateOnly, (long Solved, long Total)> d, DateOnly from, DateOnly to) =>
        InsightShapes.Daily("Solved %", from, to, day => d.TryGetValue(day, out var v) ? InsightShapes.Share(v.Solved, v.Total) : 0);

    private async Task<Dictionary<DateOnly, (long Solved, long Total)>> DailyAsync(InsightQuery query, DateOnly from, DateOnly to,
        CancellationToken ct)
    {
        var facts = db.Set<ThreadFact>().AsNoTracking().Where(f => f.Day >= from && f.Day <= to && f.IsQa);
        if (query.CategoryId is { } c) facts = facts.Where(f => f.CategoryId == c);
        var rows = await facts.GroupBy(f => f.Day).Select(g => new { Day = g.Key, Total = g.Count(), Solved = g.Count(f => f.Solved) })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Day, r => ((long)r.Solved, (long)r.Total));
    }
}
