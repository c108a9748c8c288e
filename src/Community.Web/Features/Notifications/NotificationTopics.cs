namespace Community.Web.Features.Notifications;

/// <summary>What a member can choose how to hear about. Each in-app notification belongs to one topic.</summary>
public static class NotificationTopics
{
    public const string Replies = "replies", Watched = "watched", IdeaStatus = "idea-status", Credits = "credits", Badges = "badges";

    /// <summary>The topics in the order the settings page shows them, with the delivery a member has until they choose.</summary>
    public static readonly IReadOnlyList<(string Topic, string Label, string Default)> All =
    [
        (Replies, "Replies to your threads, mentions and accepted answers", Deliveries.Immediately),
        (Watched, "New replies in threads you watch", Deliveries.Daily),
        (IdeaStatus, "Status changes of ideas you voted on or watch", Deliveries.Immediately),
        (Credits, "Referral credits you earn", Deliveries.Immediately),
        (Badges, "Badges you earn", Deliveries.Immediately),
    ];

    public static bool IsKnown(string topic) => All.Any(t => t.Topic == topic);

    public static string DefaultFor(string topic) => All.FirstOrDefault(t => t.Topic == topic).Default ?? Deliveries.Immediately;

    public static string LabelFor(string topic) => All.FirstOrDefault(t => t.Topic == topic).Label ?? topic;
}

/// <summary>How a member hears about a topic by email (in-app notifications always appear).</summary>
public static class Deliveries
{
    public const string Immediately = "immediately", Daily = "daily", Weekly = "weekly", Never = "never";
    public static readonly IReadOnlyList<string> All = [Immediately, Daily, Weekly, Never];

    public static bool IsDigest(string delivery) => delivery is Daily or Weekly;
}
