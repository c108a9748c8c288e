using System.Text.RegularExpressions;

namespace Community.Web.Features.Publishing;

/// <summary>Story addresses: lowercase ASCII words joined by single hyphens.</summary>
public static partial class Slugs
{
    public static bool IsValid(string? slug) => slug is not null && slug.Length <= StoryRules.SlugMax && Shape().IsMatch(slug);

    /// <summary>A slug from a title: lowercase ASCII words joined by hyphens.</summary>
    public static string From(string text)
    {
        var slug = NonWord().Replace(text.ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormD), "-").Trim('-');
        if (slug.Length > 80) slug = slug[..80].TrimEnd('-');
        return slug.Length == 0 ? "story" : slug;
    }

    [GeneratedRegex(@"\A[a-z0-9]+(?:-[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    [GeneratedRegex(@"[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonWord();
}
