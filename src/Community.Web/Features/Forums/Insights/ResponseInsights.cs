using System.Globalization;
using Community.Web.Features.Insights;

namespace Community.Web.Features.Forums.Insights;

/// <summary>Median and 90th percentile time to first response (by someone other than the author) of the threads started each day,
/// from the daily response-time histograms (<see cref="ResponseFigures"/>).</summary>
internal sealed class FirstResponseInsight(InsightFigures figures) : IInsightSource
{
    public string Key => "first-response";
    public string Title => "Time to first response";
    public int Order => 40;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var now = await HistogramsAsync(query, query.From, query.To, ct);
        var before = await HistogramsAsync(query, query.PreviousFrom, query.PreviousTo, ct);
        var totals = Totals(now);
        var previous = Totals(before);
        var summary = totals["answered"] == 0 ? "No thread started in the period has had a response yet."
            : $"Median time to first response {Hours(totals["median"])} ({InsightShapes.Change(totals["median"], previous["median"], query.Days)}),"
              + $" 90th percentile {Hours(totals["p90"])}, over {InsightShapes.Count(totals["answered"], "answered thread")}.";
        return new InsightChart(Key, Title, "hours", summary, Series(now, query.From, query.To), Series(before, query.PreviousFrom, query.PreviousTo),
            totals, previous);
    }

    private static string Hours(double hours) =>
        hours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(hours * 60)} min")
            : string.Create(CultureInfo.InvariantCulture, $"{hours:0.#} h");

    /// <summary>Per day: bucket → threads.</summary>
    private async Task<Dictionary<DateOnly, Dictionary<int, long>>> HistogramsAsync(InsightQuery query, DateOnly from, DateOnly to,
        CancellationToken ct)
    {
        var prefix = query.CategoryId is { } c ? ForumRollup.Dim(c) + ":" : "";
        var rows = await figures.RowsAsync(ResponseFigures.Response, prefix, from, to, ct);
        var days = new Dictionary<DateOnly, Dictionary<int, long>>();
        foreach (var (day, dimension, value) in rows)
        {
            var bucket = int.Parse(dimension.AsSpan(dimension.IndexOf(':', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
            if (!days.TryGetValue(day, out var histogram)) days[day] = histogram = [];
            histogram[bucket] = histogram.GetValueOrDefault(bucket) + value;
        }
        return days;
    }

    private static Dictionary<string, double> Totals(Dictionary<DateOnly, Dictionary<int, long>> days)
    {
        var all = new Dictionary<int, long>();
        foreach (var (bucket, count) in days.Values.SelectMany(h => h)) all[bucket] = all.GetValueOrDefault(bucket) + count;
        return new()
        {
            ["median"] = ToHours(ResponseFigures.Quantile(all, 0.5)), ["p90"] = ToHours(ResponseFigures.Quantile(all, 0.9)),
            ["answered"] = all.Values.Sum(),
        };
    }

    private static List<InsightSeries> Series(Dictionary<DateOnly, Dictionary<int, long>> days, DateOnly from, DateOnly to) =>
    [
        InsightShapes.Daily("Median hours", from, to, d => days.TryGetValue(d, out var h) ? ToHours(ResponseFigures.Quantile(h, 0.5)) : 0),
        InsightShapes.Daily("90th percentile hours", from, to, d => days.TryGetValue(d, out var h) ? ToHours(ResponseFigures.Quantile(h, 0.9)) : 0),
    ];

    private static double ToHours(double seconds) => Math.Round(seconds / 3600, 2);
}

/// <summary>The share of threads with no response from someone else within 24 hours (threads younger than a day are not counted).</summary>
internal sealed class UnansweredInsight(InsightFigures figures) : IInsightSource
{
    public string Key => "unanswered";
    public string Title => "Threads without a response after 24 hours";
    public int Order => 50;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        string[] metrics = [ResponseFigures.Late, ResponseFigures.Due];
        var (now, before) = await ForumRollup.PeriodsAsync(figures, metrics, query, ct);
        var (late, due) = (now[ResponseFigures.Late].Values.Sum(), now[ResponseFigures.Due].Values.Sum());
        var (share, previousShare) = (InsightShapes.Share(late, due),
            InsightShapes.Share(before[ResponseFigures.Late].Values.Sum(), before[ResponseFigures.Due].Values.Sum()));
        var summary = $"{share:0.#}% of threads ({InsightShapes.Number(late)} of {InsightShapes.Number(due)}) had no response"
            + $" after 24 hours, {InsightShapes.Change(share, previousShare, query.Days, percentagePoints: true)}.";
        return new InsightChart(Key, Title, "%", summary, [Series(now, query.From, query.To)], [Series(before, query.PreviousFrom, query.PreviousTo)],
            new Dictionary<string, double> { ["share"] = share, ["unanswered"] = late },
            new Dictionary<string, double> { ["share"] = previousShare, ["unanswered"] = before[ResponseFigures.Late].Values.Sum() });
    }

    private static InsightSeries Series(Dictionary<string, Dictionary<DateOnly, long>> d, DateOnly from, DateOnly to) =>
        InsightShapes.Daily("No response after 24 h %", from, to,
            day => InsightShapes.Share(d[ResponseFigures.Late].GetValueOrDefault(day), d[ResponseFigures.Due].GetValueOrDefault(day)));
}

/// <summary>The share of threads started in Q&amp;A categories that have an accepted answer.</summary>
internal sealed class SolvedInsight(InsightFigures figures) : IInsightSource
{
    public string Key => "solved";
    public string Title => "Solved rate in Q&A categories";
    public int Order => 60;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        string[] metrics = [ResponseFigures.QaSolved, ResponseFigures.QaThreads];
        var (now, before) = await ForumRollup.PeriodsAsync(figures, metrics, query, ct);
        var (questions, previousQuestions) = (now[ResponseFigures.QaThreads].Values.Sum(), before[ResponseFigures.QaThreads].Values.Sum());
        var rate = InsightShapes.Share(now[ResponseFigures.QaSolved].Values.Sum(), questions);
        var previousRate = InsightShapes.Share(before[ResponseFigures.QaSolved].Values.Sum(), previousQuestions);
        var summary = $"{rate:0.#}% of {InsightShapes.Count(questions, "question")} are solved, "
            + $"{InsightShapes.Change(rate, previousRate, query.Days, percentagePoints: true)}.";
        return new InsightChart(Key, Title, "%", summary, [Series(now, query.From, query.To)], [Series(before, query.PreviousFrom, query.PreviousTo)],
            new Dictionary<string, double> { ["rate"] = rate, ["questions"] = questions },
            new Dictionary<string, double> { ["rate"] = previousRate, ["questions"] = previousQuestions });
    }

    private static InsightSeries Series(Dictionary<string, Dictionary<DateOnly, long>> d, DateOnly from, DateOnly to) =>
        InsightShapes.Daily("Solved %", from, to,
            day => InsightShapes.Share(d[ResponseFigures.QaSolved].GetValueOrDefault(day), d[ResponseFigures.QaThreads].GetValueOrDefault(day)));
}
