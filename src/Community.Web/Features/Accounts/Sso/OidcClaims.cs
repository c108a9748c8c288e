using System.Security.Claims;
using Community.Web.Features.Accounts.Product;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// Turns the claims of a validated id_token plus the userinfo answer into a <see cref="ProductProfile"/>. Claim names stay as the
/// provider sent them (inbound claim mapping is off), so the configured names match what the provider's documentation says.
/// Values are passed on as they are: <c>ProductProfileRules</c> refuses oversized or unusable ones before anything is written.
/// </summary>
public static class OidcClaims
{
    public static ProductProfile? ToProfile(ClaimsPrincipal principal, OidcSettings settings, IEnumerable<string> customAttributes)
    {
        var subject = One(principal, "sub");
        if (string.IsNullOrWhiteSpace(subject)) return null;
        var names = settings.Claims;
        var groupClaims = principal.FindAll(names.Groups).Select(c => c.Value).ToList();
        var groups = (groupClaims.Count == 1 ? SplitList(groupClaims[0]) : groupClaims.ToArray())
            .Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var custom = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in customAttributes.Concat(names.Custom.Keys).Distinct(StringComparer.Ordinal))
        {
            var claim = names.Custom.TryGetValue(key, out var mapped) ? mapped : key;
            if (One(principal, claim) is { } value) custom[key] = value;
        }
        return new ProductProfile(
            ExternalId: subject,
            Email: One(principal, "email"),
            // Only a provider that says so verifies an address: a missing claim is "not verified".
            EmailVerified: bool.TryParse(One(principal, "email_verified"), out var verified) && verified,
            UserName: One(principal, "preferred_username"),
            Name: One(principal, "name"),
            AvatarUrl: One(principal, "picture"),
            AccountId: One(principal, names.AccountId),
            AccountName: One(principal, names.AccountName),
            Plan: One(principal, names.Plan),
            Groups: groups,
            Custom: custom);
    }

    private static string? One(ClaimsPrincipal principal, string type) =>
        principal.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;

    // Most providers send groups as a JSON array (one claim per item); some send one JSON-array or comma-separated string.
    private static string[] SplitList(string value) =>
        value.StartsWith('[') ? ParseJsonArray(value)
            : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] ParseJsonArray(string value)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<string[]>(value) ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            return [value];
        }
    }
}
