using System.Globalization;
using System.Text;

namespace Community.Bench;

internal sealed record Row(string Area, string Measure, string Target, string Result, bool? Met);

/// <summary>Collects rows and prints them as a Markdown table (pasteable into docs/performance.md).</summary>
internal sealed class Report
{
    private readonly List<Row> _rows = [];

    public void Add(string area, string measure, string target, string result, bool? met)
    {
        var row = new Row(area, measure, target, result, met);
        _rows.Add(row);
        Console.WriteLine($"  {area} | {measure}: {result} ({Verdict(met)})");
    }

    public static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Verdict(bool? met) => met switch { true => "met", false => "NOT met", null => "info" };

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Area | Measure | Target | Result | |");
        sb.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var r in _rows) sb.AppendLine($"| {r.Area} | {r.Measure} | {r.Target} | {r.Result} | {Verdict(r.Met)} |");
        return sb.ToString();
    }

    public bool AllMet => _rows.All(r => r.Met != false);
}
