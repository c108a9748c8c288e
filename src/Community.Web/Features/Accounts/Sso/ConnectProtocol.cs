using System.Security.Cryptography;
using System.Text;
using Community.Web.Features.Accounts.Product;
using Microsoft.AspNetCore.WebUtilities;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// The DiscourseConnect wire format, so a product that already signs in Discourse users can point at Community unchanged:
/// <c>sso</c> is base64 of a URL-encoded query string, <c>sig</c> the hex HMAC-SHA256 of the base64 text (as sent) under the
/// shared secret.
/// </summary>
public static class ConnectProtocol
{
    /// <summary>Far above any honest answer (a few hundred bytes plus custom fields); larger is refused before decoding.</summary>
    public const int MaxPayloadChars = 16 * 1024;

    /// <summary>Custom fields that fill the product columns rather than the custom attributes.</summary>
    public const string AccountIdField = "custom.account_id", AccountNameField = "custom.account_name", PlanField = "custom.plan";

    public static string Sign(string secret, string payload) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));

    /// <summary>Constant-time: how much of a forged signature matched must not show in the answer's timing.</summary>
    public static bool Verify(string secret, string payload, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(secret, payload));
        var given = Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant());
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public static string Encode(IEnumerable<KeyValuePair<string, string>> fields) => Convert.ToBase64String(Encoding.UTF8.GetBytes(
        string.Join("&", fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)))));

    /// <summary>The fields of a payload, or null when it is not base64 of UTF-8 text. Repeated fields keep the first value.</summary>
    public static Dictionary<string, string>? Decode(string payload)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(payload));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }
        return QueryHelpers.ParseQuery(text).ToDictionary(f => f.Key, f => f.Value.FirstOrDefault() ?? "", StringComparer.Ordinal);
    }

    /// <summary>
    /// The product's answer as a profile. DiscourseConnect trusts the product to have validated the email unless it sends
    /// <c>require_activation=true</c>; <c>admin</c>/<c>moderator</c> become the groups "admin"/"moderator", which grant roles
    /// only if the admin maps them in Sso:GroupRoles.
    /// </summary>
    public static ProductProfile ToProfile(IReadOnlyDictionary<string, string> f)
    {
        List<string>? groups = null;
        if (f.TryGetValue("groups", out var list))
            groups = [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        foreach (var flag in new[] { "admin", "moderator" })
        {
            if (!f.TryGetValue(flag, out var value)) continue;
            groups ??= [];
            if (IsTrue(value)) groups.Add(flag);
        }
        var custom = f
            .Where(p => p.Key.StartsWith("custom.", StringComparison.Ordinal) && p.Key is not (AccountIdField or AccountNameField or PlanField))
            .ToDictionary(p => p.Key["custom.".Length..], p => p.Value, StringComparer.Ordinal);
        return new ProductProfile(
            ExternalId: f.GetValueOrDefault("external_id") ?? "",
            Email: f.GetValueOrDefault("email"),
            EmailVerified: !IsTrue(f.GetValueOrDefault("require_activation")),
            UserName: f.GetValueOrDefault("username"),
            Name: f.GetValueOrDefault("name"),
            AvatarUrl: f.GetValueOrDefault("avatar_url"),
            AccountId: f.GetValueOrDefault(AccountIdField),
            AccountName: f.GetValueOrDefault(AccountNameField),
            Plan: f.GetValueOrDefault(PlanField),
            Groups: groups,
            Custom: custom.Count > 0 ? custom : null);
    }

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
