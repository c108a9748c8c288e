using System.Globalization;

namespace Community.Web.Features.Recognition;

/// <summary>An automatic badge: its rule lives in <see cref="BadgeRules"/>.</summary>
public sealed record BadgeDefinition(string Key, string Name, string Description);

/// <summary>The badges granted by rules in code. Keys are stored in <see cref="MemberBadge.Badge"/>: never rename one.</summary>
public static class BadgeCatalog
{
    public const string FirstPost = "first-post", FirstAnswer = "first-answer", Helpful = "helpful", Welcomer = "welcomer";
    public const string Advocate = "advocate", Spotlighted = "spotlighted", IdeaShipped = "idea-shipped", Anniversary = "anniversary";

    public static readonly IReadOnlyList<BadgeDefinition> Automatic =
    [
        new(FirstPost, "First post", "Started a thread or replied for the first time."),
        new(FirstAnswer, "First answer accepted", "An answer they wrote was accepted for the first time."),
        new(Helpful, "Helpful", $"{BadgeRules.HelpfulAnswers} of their answers were accepted."),
        new(Welcomer, "Welcomer", $"Gave the first reply to {BadgeRules.WelcomedThreads} new members' first threads."),
        new(Advocate, "Advocate", "A customer they referred converted."),
        new(Spotlighted, "Spotlighted", "Featured in a published story."),
        new(IdeaShipped, "Idea shipped", "An idea they suggested shipped."),
        new(Anniversary, "One year", "A member for a year."),
    ];

    private const string CustomPrefix = "custom-";

    public static string CustomKey(int id) => CustomPrefix + id.ToString(CultureInfo.InvariantCulture);

    public static int? CustomId(string key) =>
        key.StartsWith(CustomPrefix, StringComparison.Ordinal) && int.TryParse(key.AsSpan(CustomPrefix.Length), NumberStyles.None,
            CultureInfo.InvariantCulture, out var id) ? id : null;

    public static BadgeDefinition? Find(string key) => Automatic.FirstOrDefault(b => b.Key == key);
}
