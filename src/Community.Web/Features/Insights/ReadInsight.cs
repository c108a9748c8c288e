using System.Globalization;
using System.Text;
using Community.Web.Infrastructure;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Community.Web.Features.Insights;

/// <summary>GET /api/admin/insights/{key}?from=&amp;to=&amp;category=&amp;plan=&amp;account=[&amp;format=csv]: one chart, as JSON or CSV.</summary>
internal static class ReadInsight
{
    public const int MaxDays = 5 * 366;
    public const int DefaultDays = 30;

    public static void Map(RouteGroupBuilder api) => api.MapGet("/{key}", HandleAsync);

    private static async Task<Results<Ok<InsightChart>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> HandleAsync(string key,
        string? from, string? to, string? category, string? plan, string? account, string? format, HttpContext http,
        IEnumerable<IInsightSource> sources, IInsightCategories categories, TimeProvider clock, CancellationToken ct)
    {
        var source = sources.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.Ordinal));
        if (source is null) return Problems.NotFound("There is no such chart.");
        var errors = new FieldErrors();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var toDay = ParseDay(errors, "to", to, today);
        var fromDay = ParseDay(errors, "from", from, toDay.AddDays(1 - DefaultDays));
        if (!errors.Any && toDay < fromDay) errors.Add("to", "The end of the period must not be before its start.");
        else if (!errors.Any && toDay.DayNumber - fromDay.DayNumber + 1 > MaxDays) errors.Add("to", "The period must be at most 5 years.");
        int? categoryId = null;
        if (!string.IsNullOrEmpty(category))
        {
            if (!int.TryParse(category, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || !(await categories.ListAsync(ct)).Any(c => c.Id == id))
            {
                errors.Add("category", "There is no such category.");
            }
            else categoryId = id;
        }
        errors.Text("plan", plan, 0, 100, "Plan");
        errors.Text("account", account, 0, 200, "Account");
        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
            || (format is null && http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)));
        if (format is not null && !csv && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("format", "The format must be json or csv.");
        }
        if (errors.Any) return errors.ToProblem();

        var query = new InsightQuery(fromDay, toDay, categoryId, Blank(plan), Blank(account));
        var chart = await source.ComputeAsync(query, ct);
        if (!csv) return TypedResults.Ok(chart);
        var name = string.Create(CultureInfo.InvariantCulture, $"insights-{source.Key}-{fromDay:yyyy-MM-dd}-to-{toDay:yyyy-MM-dd}.csv");
        return TypedResults.File(Encoding.UTF8.GetBytes(ReadInsightCsv.Write(chart, query)), "text/csv; charset=utf-8", name);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static DateOnly ParseDay(FieldErrors errors, string field, string? text, DateOnly fallback)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors.Add(field, "Give the date as YYYY-MM-DD.");
        return fallback;
    }
}

/// <summary>A chart as CSV.</summary>
public static class ReadInsightCsv
{
    /// <summary>The chart's numbers: one row per date with a column per series, the previous period's rows after them, then the
    /// table (if any). Series and column names are text from the chart (campaign names come from members): the writer escapes them.</summary>
    public static string Write(InsightChart chart, InsightQuery query)
    {
        var sb = new StringBuilder();
        if (chart.Series.Count > 0)
        {
            Csv.AppendRow(sb, ["period", "date", .. chart.Series.Select(s => (object?)s.Name)]);
            AppendPeriod(sb, "current", chart.Series);
            AppendPeriod(sb, "previous", chart.Previous);
        }
        if (chart.Table is { } table)
        {
            if (sb.Length > 0) sb.Append("\r\n");
            Csv.AppendRow(sb, [.. table.Columns]);
            foreach (var row in table.Rows) Csv.AppendRow(sb, [.. row]);
        }
        if (sb.Length == 0) Csv.AppendRow(sb, "from", "to", query.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            query.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static void AppendPeriod(StringBuilder sb, string period, IReadOnlyList<InsightSeries> series)
    {
        var dates = series.SelectMany(s => s.Points.Select(p => p.Date)).Distinct().Order();
        var byName = series.Select(s => s.Points.ToDictionary(p => p.Date, p => p.Value)).ToList();
        foreach (var date in dates)
        {
            Csv.AppendRow(sb, [period, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                .. byName.Select(d => d.TryGetValue(date, out var v) ? (object?)v : null)]);
        }
    }
}
