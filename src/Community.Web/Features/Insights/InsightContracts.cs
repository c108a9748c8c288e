namespace Community.Web.Features.Insights;

/// <summary>What a staff member asked the insights dashboard for: a period (inclusive days, UTC), compared with the period of the
/// same length just before it, optionally narrowed to one forum category or one product segment (plan, account).</summary>
public sealed record InsightQuery(DateOnly From, DateOnly To, int? CategoryId, string? Plan, string? Account)
{
    public int Days => To.DayNumber - From.DayNumber + 1;
    public DateOnly PreviousTo => From.AddDays(-1);
    public DateOnly PreviousFrom => From.AddDays(-Days);
}

public sealed record InsightPoint(DateOnly Date, double Value);

/// <summary>One line of a chart. <see cref="Points"/> has one point per day (or per week/month when the chart says so).</summary>
public sealed record InsightSeries(string Name, IReadOnlyList<InsightPoint> Points);

/// <summary>A chart's figures that are not a time line (flows between stages, a funnel by cohort): a plain table.</summary>
public sealed record InsightTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// One chart of the dashboard, as the API returns it and as its CSV is written. <see cref="Summary"/> is the text a screen reader
/// gets instead of the picture (and everyone gets above it), e.g. "312 new members, up 12% on the previous 30 days".
/// <see cref="Totals"/> are the headline figures for the period, <see cref="PreviousTotals"/> the same for the previous period.
/// </summary>
public sealed record InsightChart(string Key, string Title, string Unit, string Summary, IReadOnlyList<InsightSeries> Series,
    IReadOnlyList<InsightSeries> Previous, IReadOnlyDictionary<string, double> Totals, IReadOnlyDictionary<string, double> PreviousTotals,
    InsightTable? Table = null);

/// <summary>
/// A source of one dashboard chart. Each feature that has figures to show (forums, referrals, ideas, knowledge base, lifecycle stages)
/// implements one per chart in its own folder and registers it as <c>services.AddScoped&lt;IInsightSource, …&gt;()</c>; the insights
/// module lists them, validates the query, authorises staff, and serves JSON and CSV. A source reads its own feature's tables or
/// roll-ups only, and must answer a 12-month query on a big community quickly (pre-aggregated daily roll-ups).
/// </summary>
public interface IInsightSource
{
    /// <summary>URL-safe key: <c>/api/admin/insights/{key}</c>.</summary>
    string Key { get; }

    string Title { get; }

    /// <summary>Dashboard order: lower first.</summary>
    int Order { get; }

    Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct);
}
