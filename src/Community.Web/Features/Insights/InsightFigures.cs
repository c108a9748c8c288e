using Community.Web.Data;
using Community.Web.Features.Insights.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Insights;

/// <summary>Reads the daily roll-up figures for a chart: one sum per day over the dimensions asked for.</summary>
public sealed class InsightFigures(CommunityDb db)
{
    /// <summary>Sums per day of each metric from <paramref name="from"/> to <paramref name="to"/>; <paramref name="dimension"/> null sums
    /// every dimension.</summary>
    public async Task<Dictionary<string, Dictionary<DateOnly, long>>> DailyAsync(IReadOnlyCollection<string> metrics, string? dimension,
        DateOnly from, DateOnly to, CancellationToken ct)
    {
        var rows = db.Set<InsightFigure>().AsNoTracking().Where(f => metrics.Contains(f.Metric) && f.Day >= from && f.Day <= to);
        if (dimension is not null) rows = rows.Where(f => f.Dimension == dimension);
        var sums = await rows.GroupBy(f => new { f.Metric, f.Day }).Select(g => new { g.Key.Metric, g.Key.Day, Value = g.Sum(f => f.Value) })
            .ToListAsync(ct);
        var result = metrics.ToDictionary(m => m, _ => new Dictionary<DateOnly, long>(), StringComparer.Ordinal);
        foreach (var s in sums) result[s.Metric][s.Day] = s.Value;
        return result;
    }

    /// <summary>Every row of one metric in the period whose dimension starts with <paramref name="prefix"/> (histograms).</summary>
    public async Task<List<(DateOnly Day, string Dimension, long Value)>> RowsAsync(string metric, string prefix, DateOnly from, DateOnly to,
        CancellationToken ct)
    {
        var rows = db.Set<InsightFigure>().AsNoTracking().Where(f => f.Metric == metric && f.Day >= from && f.Day <= to);
        if (prefix.Length > 0)
        {
            // A key range rather than LIKE, which SQLite would not answer from the index: every string starting with the prefix
            // sorts between it and the prefix with its last character bumped.
            var upper = prefix[..^1] + (char)(prefix[^1] + 1);
            rows = rows.Where(f => string.Compare(f.Dimension, prefix) >= 0 && string.Compare(f.Dimension, upper) < 0);
        }
        return (await rows.Select(f => new { f.Day, f.Dimension, f.Value }).ToListAsync(ct)).Select(f => (f.Day, f.Dimension, f.Value)).ToList();
    }

    /// <summary>Sums per dimension of each metric over the period (a table by campaign, say).</summary>
    public async Task<Dictionary<(string Metric, string Dimension), long>> ByDimensionAsync(IReadOnlyCollection<string> metrics, DateOnly from,
        DateOnly to, CancellationToken ct)
    {
        var sums = await db.Set<InsightFigure>().AsNoTracking().Where(f => metrics.Contains(f.Metric) && f.Day >= from && f.Day <= to)
            .GroupBy(f => new { f.Metric, f.Dimension }).Select(g => new { g.Key.Metric, g.Key.Dimension, Value = g.Sum(f => f.Value) })
            .ToListAsync(ct);
        return sums.ToDictionary(s => (s.Metric, s.Dimension), s => s.Value);
    }
}

/// <summary>Shapes figures into charts: a point for every day of the period (zeros included), and the one-sentence summary.</summary>
public static class InsightShapes
{
    public static InsightSeries Daily(string name, DateOnly from, DateOnly to, IReadOnlyDictionary<DateOnly, long> values) =>
        new(name, Days(from, to).Select(d => new InsightPoint(d, values.GetValueOrDefault(d))).ToList());

    public static InsightSeries Daily(string name, DateOnly from, DateOnly to, Func<DateOnly, double> value) =>
        new(name, Days(from, to).Select(d => new InsightPoint(d, value(d))).ToList());

    public static IEnumerable<DateOnly> Days(DateOnly from, DateOnly to)
    {
        for (var d = from; d <= to; d = d.AddDays(1)) yield return d;
    }

    /// <summary>"up 12% on the previous 30 days", "down 3 points…", "the same as…", "none in the previous 30 days".</summary>
    public static string Change(double current, double previous, int days, bool percentagePoints = false)
    {
        var period = days == 1 ? "the previous day" : $"the previous {days} days";
        if (percentagePoints)
        {
            var diff = Math.Round(current - previous, 1);
            return diff == 0 ? $"the same as {period}" : $"{(diff > 0 ? "up" : "down")} {Math.Abs(diff):0.#} points on {period}";
        }
        if (previous == 0) return current == 0 ? $"none in {period} either" : $"none in {period}";
        var pct = Math.Round((current - previous) / previous * 100);
        return pct == 0 ? $"the same as {period}" : $"{(pct > 0 ? "up" : "down")} {Math.Abs(pct):0}% on {period}";
    }

    public static string Number(double value) => value.ToString(value == Math.Floor(value) ? "#,0" : "#,0.#",
        System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"1 post", "2,301 posts".</summary>
    public static string Count(double value, string noun) => $"{Number(value)} {noun}{(value == 1 ? "" : "s")}";

    public static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 1);
}
