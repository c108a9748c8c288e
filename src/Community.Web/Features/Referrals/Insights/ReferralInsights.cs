using System.Globalization;
using Community.Web.Features.Insights;

namespace Community.Web.Features.Referrals.Insights;

/// <summary>The referral funnel (clicks → sign-ups → conversions → credits) per day, and a table by cohort month (the month the
/// sign-ups were confirmed; conversions and credits are those of that month's sign-ups).</summary>
internal sealed class ReferralFunnelInsight(InsightFigures figures) : IInsightSource
{
    internal static readonly string[] Metrics = [ReferralRollup.Clicks, ReferralRollup.SignUps, ReferralRollup.Conversions, ReferralRollup.Credits];
    internal static readonly string[] Names = ["Clicks", "Sign-ups", "Conversions", "Credits"];

    public string Key => "referral-funnel";
    public string Title => "Referral funnel by cohort month";
    public int Order => 70;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var now = await figures.DailyAsync(Metrics, null, query.From, query.To, ct);
        var before = await figures.DailyAsync(Metrics, null, query.PreviousFrom, query.PreviousTo, ct);
        var totals = Totals(now);
        var previous = Totals(before);
        var summary = $"{InsightShapes.Number(totals["clicks"])} clicks ({InsightShapes.Change(totals["clicks"], previous["clicks"], query.Days)})"
            + $" led to {InsightShapes.Number(totals["signUps"])} sign-ups, {InsightShapes.Number(totals["conversions"])} conversions"
            + $" and {InsightShapes.Number(totals["credits"])} credits.";
        var months = now.Values.SelectMany(d => d.Keys).Select(d => new DateOnly(d.Year, d.Month, 1)).Distinct().Order();
        var rows = months.Select(m => (IReadOnlyList<string>)[m.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            .. Metrics.Select(k => Text(now[k].Where(e => e.Key.Year == m.Year && e.Key.Month == m.Month).Sum(e => e.Value)))]).ToList();
        return new InsightChart(Key, Title, "count", summary,
            Metrics.Select((m, i) => InsightShapes.Daily(Names[i], query.From, query.To, now[m])).ToList(),
            Metrics.Select((m, i) => InsightShapes.Daily(Names[i], query.PreviousFrom, query.PreviousTo, before[m])).ToList(),
            totals, previous, new InsightTable(["Cohort month", .. Names], rows));
    }

    internal static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, double> Totals(Dictionary<string, Dictionary<DateOnly, long>> d) => new()
    {
        ["clicks"] = d[ReferralRollup.Clicks].Values.Sum(), ["signUps"] = d[ReferralRollup.SignUps].Values.Sum(),
        ["conversions"] = d[ReferralRollup.Conversions].Values.Sum(), ["credits"] = d[ReferralRollup.Credits].Values.Sum(),
    };
}

/// <summary>The referral funnel over the period by campaign (the codes' campaign tags).</summary>
internal sealed class ReferralCampaignsInsight(InsightFigures figures) : IInsightSource
{
    public string Key => "referral-campaigns";
    public string Title => "Referral funnel by campaign";
    public int Order => 75;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var now = await figures.ByDimensionAsync(ReferralFunnelInsight.Metrics, query.From, query.To, ct);
        var before = await figures.ByDimensionAsync(ReferralFunnelInsight.Metrics, query.PreviousFrom, query.PreviousTo, ct);
        var campaigns = now.Keys.Select(k => k.Dimension).Distinct()
            .OrderByDescending(c => now.GetValueOrDefault((ReferralRollup.Clicks, c))).ThenBy(c => c, StringComparer.Ordinal).ToList();
        var rows = campaigns.Select(c => (IReadOnlyList<string>)[c.Length == 0 ? "(no campaign)" : c,
            .. ReferralFunnelInsight.Metrics.Select(m => ReferralFunnelInsight.Text(now.GetValueOrDefault((m, c))))]).ToList();
        double Sum(Dictionary<(string, string), long> d, string metric) => d.Where(e => e.Key.Item1 == metric).Sum(e => e.Value);
        var signUps = Sum(now, ReferralRollup.SignUps);
        var top = campaigns.FirstOrDefault(c => c.Length > 0);
        var summary = $"{InsightShapes.Number(campaigns.Count)} campaigns brought {InsightShapes.Number(signUps)} sign-ups "
            + $"({InsightShapes.Change(signUps, Sum(before, ReferralRollup.SignUps), query.Days)})"
            + (top is null ? "." : $"; most clicks: {top}.");
        var metricsKeys = new[] { "clicks", "signUps", "conversions", "credits" };
        return new InsightChart(Key, Title, "count", summary, [], [],
            metricsKeys.Select((k, i) => (k, Sum(now, ReferralFunnelInsight.Metrics[i]))).ToDictionary(x => x.k, x => x.Item2),
            metricsKeys.Select((k, i) => (k, Sum(before, ReferralFunnelInsight.Metrics[i]))).ToDictionary(x => x.k, x => x.Item2),
            new InsightTable(["Campaign", .. ReferralFunnelInsight.Names], rows));
    }
}
