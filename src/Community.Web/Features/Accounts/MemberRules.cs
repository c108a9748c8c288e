using System.Text;
using System.Text.RegularExpressions;

namespace Community.Web.Features.Accounts;

/// <summary>The limits and shapes of member-provided fields, shared by validation and the database schema.</summary>
public static partial class MemberRules
{
    public const int DisplayNameMin = 2;
    public const int DisplayNameMax = 48;
    public const int BioMax = 1000;
    public const int EmailMax = 254;
    public const int PasswordMin = 10;
    public const int PasswordMax = 128;
    public const int UserNameMax = 24;

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$", RegexOptions.CultureInvariant)]
    public static partial Regex EmailShape();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{1,23}$", RegexOptions.CultureInvariant)]
    public static partial Regex UserNameShape();

    /// <summary>Turns "Ana Lima" into "ana_lima": the handle a member is given at registration.</summary>
    public static string HandleFrom(string displayName)
    {
        var sb = new StringBuilder();
        foreach (var ch in displayName.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
            else if ((ch == ' ' || ch == '_' || ch == '-' || ch == '.') && sb.Length > 0 && sb[^1] != '_') sb.Append('_');
            if (sb.Length >= UserNameMax - 4) break;
        }
        var handle = sb.ToString().Trim('_');
        return handle.Length >= 2 ? handle : "member";
    }
}
