using System.Globalization;
using System.Text.Json;

namespace Community.Web.Features.Integrations.Billing;

/// <summary>Reading provider payloads by field name, tolerant of API versions: a field that is absent, null or of another shape is
/// simply not there (Stripe expands some ids into objects; Paddle sends amounts as strings).</summary>
internal static class ProviderJson
{
    public static JsonElement? Child(this JsonElement e, params string[] path)
    {
        var current = e;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out var next) || next.ValueKind == JsonValueKind.Null)
                return null;
            current = next;
        }
        return current;
    }

    /// <summary>A string, or the <c>id</c> of an expanded object.</summary>
    public static string? Text(this JsonElement e, params string[] path) => e.Child(path) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString() is { Length: > 0 } text ? text : null,
        { ValueKind: JsonValueKind.Object } o => o.Text("id"),
        _ => null,
    };

    /// <summary>An integer amount in minor units, sent as a number (Stripe) or a string (Paddle).</summary>
    public static long? Amount(this JsonElement e, params string[] path) => e.Child(path) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var v) => v,
        { ValueKind: JsonValueKind.String } s
            when long.TryParse(s.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };

    /// <summary>The first of the named metadata objects that has the key.</summary>
    public static string? Meta(this JsonElement e, string key, params string[][] places)
    {
        foreach (var place in places)
            if (e.Child(place) is { ValueKind: JsonValueKind.Object } meta && meta.Text(key) is { } value) return value.Trim();
        return null;
    }

    public static IEnumerable<JsonElement> Items(this JsonElement e, params string[] path) =>
        e.Child(path) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];
}
