using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Forums;

/// <summary>
/// Limits and checks for the customer segments a category may be restricted to: product plans and product account ids.
/// They are stored comma-separated, so a value may not hold a comma; plans compare case-insensitively (as products spell
/// them loosely), account ids exactly.
/// </summary>
public static class CategorySegmentRules
{
    public const int PlansMax = 1000, AccountsMax = 4000;
    public const int PlanLength = 100, AccountLength = 200;

    /// <summary>Trimmed, de-duplicated values, or null (field absent: leave the category alone). Errors go to <paramref name="errors"/>.</summary>
    public static List<string>? Clean(IReadOnlyList<string>? values, string field, int length, int total, FieldErrors errors,
        StringComparer comparer)
    {
        if (values is null) return null;
        var cleaned = values.Select(v => (v ?? "").Trim()).Where(v => v.Length > 0).Distinct(comparer).ToList();
        if (cleaned.FirstOrDefault(v => v.Length > length || v.Contains(',', StringComparison.Ordinal) || v.Any(char.IsControl)) is { } bad)
            errors.Add(field, $"\"{Shorten(bad)}\" is not a valid value: up to {length} characters, no commas.");
        else if (string.Join(',', cleaned).Length > total) errors.Add(field, $"Too many values: they may take {total} characters in all.");
        return cleaned;
    }

    public static IReadOnlyList<string> Split(string? stored) =>
        [.. (stored ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public static string? Join(List<string> values) => values.Count == 0 ? null : string.Join(',', values);

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
