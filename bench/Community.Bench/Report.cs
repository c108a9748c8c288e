using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Community.Bench;

internal sealed record Row(string Area, string Measure, string Target, string Result, bool? Met, string Versus)
{
    /// <summary>Measures carry run-specific counts (seeding seconds); rows of two runs match on the words alone.</summary>
    public string Key => Area + "|" + Regex.Replace(Measure, @"[\d.,]+", "#");

    /// <summary>The row's headline figure: the first number of its result (req/s, p50, µs/request, MiB, ratio …), not the 50 of "p50".</summary>
    public double? Figure => Regex.Match(Result, @"(?<![\w.])\d[\d,]*(\.\d+)?") is { Success: true } m
        ? double.Parse(m.Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// Collects rows and prints them as a Markdown table (pasteable into docs/performance.md): the single place rows are
/// formatted. Each row carries, beside its absolute figure, a ratio to a reference measured in the same run (see
/// <see cref="Reference"/>), so a result from a loaded or slower machine can still be read against the target.
/// </summary>
internal sealed class Report
{
    private readonly List<Row> _rows = [];

    /// <summary>The yardstick of this run, measured before any scenario.</summary>
    public Baseline? Reference { get; set; }

    /// <summary>The same scenarios on the previous build, run first in this run (bench/run.sh --baseline).</summary>
    public Report? Previous { get; set; }

    /// <summary>Names a run that is not this build (printed before its rows).</summary>
    public string? Label { get; set; }

    /// <summary>The reference app, for rows that compare against the same bytes.</summary>
    public ReferenceApp? App { get; set; }

    /// <summary>Serves what <paramref name="url"/> answered from the reference app and runs the same wrk load against it.</summary>
    public async Task<string> VsSameBytesAsync(string url, LoadResult measured, int seconds) =>
        App is null ? VsRate(measured.RequestsPerSecond) : VsSameBytes(measured, await App.MeasureAsync(url, seconds));

    /// <summary>Rows that count things: the ratio is the count against what it must equal.</summary>
    public static string Exact(long count, long expected) => $"{F(expected == 0 ? 1 : count / (double)expected, "0.000")}× expected";

    /// <summary>Appended to every area while set: the same scenario on another configuration (" (PostgreSQL)").</summary>
    public string AreaSuffix { get; set; } = "";

    public void Add(string area, string measure, string target, string result, bool? met, string? versus = null)
    {
        area += AreaSuffix;
        var row = new Row(area, measure, target, result, met, versus ?? "—");
        _rows.Add(row);
        Console.WriteLine($"  {(Label is null ? "" : $"[{Label}] ")}{area} | {measure}: {result} ({Verdict(met)}) [{row.Versus}]");
    }

    public static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The same scenario served by the reference app (same bytes): Community's throughput as a share of it.</summary>
    public static string VsSameBytes(LoadResult measured, LoadResult reference) =>
        $"{F(measured.RequestsPerSecond / reference.RequestsPerSecond, "0.00")}× ref ({F(reference.RequestsPerSecond, "0")} req/s)";

    /// <summary>A rate (per second) in units of the reference app's request rate this run.</summary>
    public string VsRate(double perSecond) => Reference is { } b ? $"{F(perSecond / b.Small.RequestsPerSecond, "0.000")}× ref req/s" : "—";

    /// <summary>A duration in units of the reference app's median request latency under the same wrk load this run.</summary>
    public string VsMillis(double ms) => Reference is { } b ? $"{F(ms / b.Small.P50Ms, "0.0")}× ref p50" : "—";

    /// <summary>Resident memory in units of the reference app's resident memory this run.</summary>
    public string VsMiB(double mib) => Reference is { } b ? $"{F(mib / b.RssMiB, "0.0")}× ref RSS" : "—";

    private static string Verdict(bool? met) => met switch { true => "met", false => "NOT met", null => "info" };

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        if (Reference is { } b)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"Reference this run (minimal ASP.NET Core app, 2-byte body, wrk 32 connections): " +
                $"{F(b.Small.RequestsPerSecond, "0")} req/s, p50 {F(b.Small.P50Ms, "0.00")} ms, p99 {F(b.Small.P99Ms, "0.00")} ms, {F(b.RssMiB, "0")} MiB resident.");
            sb.AppendLine();
        }
        if (Previous is { } p)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"Column \"vs previous\": this build's headline figure (the first number of Result) over the same row's on the " +
                $"{p.Label}, measured earlier in this run; whether higher is better depends on the row (req/s: higher; ms, µs, MiB: lower).");
            sb.AppendLine();
            sb.AppendLine("| Area | Measure | Target | Result | vs reference | vs previous | |");
            sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        }
        else
        {
            sb.AppendLine("| Area | Measure | Target | Result | vs reference | |");
            sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        }
        foreach (var r in _rows)
        {
            var previous = Previous is null ? "" : $" {VsPrevious(r)} |";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Area} | {r.Measure} | {r.Target} | {r.Result} | {r.Versus} |{previous} {Verdict(r.Met)} |");
        }
        return sb.ToString();
    }

    /// <summary>This row's headline figure over the previous build's, with the previous result for reading.</summary>
    private string VsPrevious(Row row)
    {
        var before = Previous?._rows.FirstOrDefault(p => p.Key == row.Key);
        if (before is null) return "— (no such row)";
        if (before.Figure is not { } b || row.Figure is not { } now || b == 0) return $"— (was: {before.Result})";
        return $"{F(now / b, "0.00")}× prev (was: {before.Result}; {Verdict(before.Met)})";
    }

    public bool AllMet => _rows.All(r => r.Met != false);
}

internal sealed record Baseline(LoadResult Small, double RssMiB);
