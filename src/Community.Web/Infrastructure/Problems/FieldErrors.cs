namespace Community.Web.Infrastructure.Problems;

/// <summary>Collects field errors during validation and turns them into one RFC 9457 answer.</summary>
/// <remarks>Keys are the camelCase JSON field names, so the front end can place each message next to its input.</remarks>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    /// <summary>Requires a non-blank string of bounded length. Returns false when it added an error.</summary>
    public bool Text(string field, string? value, int min, int max, string label)
    {
        var length = value?.Trim().Length ?? 0;
        if (length == 0 && min > 0) { Add(field, $"{label} is required."); return false; }
        if (length < min) { Add(field, $"{label} must be at least {min} characters."); return false; }
        if (length > max) { Add(field, $"{label} must be at most {max} characters."); return false; }
        return true;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public ValidationProblem ToProblem(string? detail = null) =>
        TypedResults.ValidationProblem(ToDictionary(), detail ?? "Some fields need attention.", title: "The request has invalid fields.");
}
