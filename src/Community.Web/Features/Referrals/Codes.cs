using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Community.Web.Features.Referrals;

/// <summary>Code shapes: generated codes use an alphabet without look-alikes (0/o, 1/l/i); vanity codes are checked against
/// reserved and offensive words.</summary>
public static partial class Codes
{
    public const string Alphabet = "23456789abcdefghjkmnpqrstuvwxyz";
    public const int GeneratedLength = 7;
    public const int VanityMin = 3;
    public const int VanityMax = 24;

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "admin", "administrator", "api", "app", "billing", "community", "help", "hubs", "invite", "login", "me", "moderator",
        "official", "r", "refer", "referral", "referrals", "root", "security", "settings", "signin", "signup", "staff", "support",
        "system", "team", "test", "www",
    };

    // Substrings refused anywhere in a vanity code. Kept short on purpose: a moderator can disable any code later.
    private static readonly string[] Offensive =
    [
        "fuck", "shit", "cunt", "bitch", "nigg", "fag", "whore", "slut", "rape", "nazi", "porn", "dick", "cock", "pussy", "asshole", "bastard",
        "retard",
    ];

    public static string Generate(int length = GeneratedLength) => RandomNumberGenerator.GetString(Alphabet, length);

    public static string Normalise(string? code) => (code ?? "").Trim().ToLowerInvariant();

    /// <summary>Returns an error message, or null when the vanity code is acceptable.</summary>
    public static string? VanityProblem(string code)
    {
        if (code.Length < VanityMin || code.Length > VanityMax) return $"Use {VanityMin}–{VanityMax} characters.";
        if (!VanityShape().IsMatch(code)) return "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit.";
        if (Reserved.Contains(code)) return "That code is reserved. Try another one.";
        var squashed = code.Replace("-", "", StringComparison.Ordinal);
        if (Offensive.Any(w => squashed.Contains(w, StringComparison.Ordinal))) return "That code is not allowed. Try another one.";
        return null;
    }

    /// <summary>Campaign codes: letters, digits, hyphens; case-insensitive.</summary>
    public static bool IsCampaignShape(string code) => code.Length is >= 3 and <= 32 && VanityShape().IsMatch(code);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$")]
    private static partial Regex VanityShape();
}
