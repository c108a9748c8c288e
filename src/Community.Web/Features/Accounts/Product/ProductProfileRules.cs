using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Accounts.Product;

/// <summary>
/// The bounds on what a provider or the sync API may tell us. Values are trimmed; a value that is too long, holds markup
/// or control characters is refused (not truncated): a profile that big or that shaped is a broken or hostile product, and
/// the member is better served by a clear error than by a silently mangled name. Only the display name is shortened to
/// the member rule, because real names longer than it are legitimate.
/// </summary>
public static class ProductProfileRules
{
    public const int ExternalIdMax = 200;
    public const int UserNameMax = 100;
    public const int NameMax = 200;
    public const int AvatarUrlMax = 512;
    public const int AccountIdMax = 200;
    public const int AccountNameMax = 200;
    public const int PlanMax = 100;
    public const int GroupMax = 100;
    public const int GroupsMax = 100;
    public const int CustomKeyMax = 64;
    public const int CustomValueMax = 500;
    public const int CustomJsonMax = 8000;

    /// <summary>Field errors keyed by the sync API's JSON names (Connect maps them to its own).</summary>
    public static FieldErrors Check(ProductProfile p)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(p.ExternalId)) errors.Add("externalId", "The external id is required.");
        Text(errors, "externalId", p.ExternalId, ExternalIdMax);
        Text(errors, "email", p.Email, MemberRules.EmailMax);
        if (!string.IsNullOrWhiteSpace(p.Email) && !MemberRules.EmailShape().IsMatch(p.Email.Trim()))
            errors.Add("email", "The email address is not valid.");
        Text(errors, "userName", p.UserName, UserNameMax);
        Text(errors, "name", p.Name, NameMax);
        Text(errors, "avatarUrl", p.AvatarUrl, AvatarUrlMax);
        Text(errors, "accountId", p.AccountId, AccountIdMax);
        Text(errors, "accountName", p.AccountName, AccountNameMax);
        Text(errors, "plan", p.Plan, PlanMax);
        if (p.Groups is { Count: > GroupsMax }) errors.Add("groups", $"At most {GroupsMax} groups.");
        foreach (var group in p.Groups ?? []) Text(errors, "groups", group, GroupMax);
        foreach (var (key, value) in p.Custom ?? new Dictionary<string, string>())
        {
            Text(errors, "custom", key, CustomKeyMax);
            Text(errors, "custom." + (key.Length <= CustomKeyMax ? key : "key"), value, CustomValueMax);
        }
        return errors;
    }

    private static void Text(FieldErrors errors, string field, string? value, int max)
    {
        if (value is null) return;
        var trimmed = value.Trim();
        if (trimmed.Length > max) errors.Add(field, $"At most {max} characters.");
        else if (trimmed.AsSpan().IndexOfAny('<', '>') >= 0) errors.Add(field, "Markup is not allowed.");
        else if (trimmed.Any(char.IsControl)) errors.Add(field, "Control characters are not allowed.");
    }

    /// <summary>Trims every value, turns blanks into "absent", and keeps only the admin's custom attribute keys.</summary>
    public static ProductProfile Clean(ProductProfile p, IReadOnlySet<string> customKeys) => p with
    {
        ExternalId = p.ExternalId.Trim(),
        Email = Blank(p.Email),
        UserName = Blank(p.UserName),
        Name = Blank(p.Name),
        AvatarUrl = Blank(p.AvatarUrl),
        AccountId = Blank(p.AccountId),
        AccountName = Blank(p.AccountName),
        Plan = Blank(p.Plan),
        Groups = p.Groups?.Select(g => g.Trim()).Where(g => g.Length > 0).ToList(),
        Custom = p.Custom?.Where(c => customKeys.Contains(c.Key.Trim()))
            .ToDictionary(c => c.Key.Trim(), c => c.Value.Trim(), StringComparer.Ordinal),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>One line for logs and error pages: the fields and messages, never the values.</summary>
    public static string Describe(FieldErrors errors) =>
        string.Join("; ", errors.ToDictionary().Select(e => e.Key + ": " + string.Join(" ", e.Value)));
}
