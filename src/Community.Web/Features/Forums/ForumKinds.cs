namespace Community.Web.Features.Forums;

/// <summary>What a forum notification is about (stored in <see cref="ForumNotification.Kind"/> and sent to the browser).</summary>
public static class NotificationKinds
{
    public const string Mention = "mention";
    public const string Reply = "reply";
    public const string Answer = "answer";
    /// <summary>Staff changed the status of an idea the member voted on or watches.</summary>
    public const string IdeaStatus = "idea-status";
    /// <summary>An idea the member voted on was merged into another (the vote moved with it).</summary>
    public const string IdeaMerged = "idea-merged";
    /// <summary>An accepted answer was turned into a knowledge-base article.</summary>
    public const string Promoted = "promoted";
    /// <summary>The member earned (or was granted) a badge (Features/Recognition); not about a thread.</summary>
    public const string Badge = "badge";
}

/// <summary>What a category holds (<see cref="ForumCategory.Kind"/>).</summary>
public static class CategoryKinds
{
    public const string Discussion = "discussion";
    /// <summary>Each thread is an idea members vote on and staff give a status (Features/Forums/Ideas).</summary>
    public const string Ideas = "ideas";

    public static readonly IReadOnlyList<string> All = [Discussion, Ideas];
}

/// <summary>The actions a moderator's audit entry records (<see cref="ModAction.Action"/>).</summary>
public static class ModActions
{
    public const string HidePost = "hide-post", UnhidePost = "unhide-post", DeletePost = "delete-post", DeleteThread = "delete-thread";
    public const string RenameThread = "rename-thread", Lock = "lock", Unlock = "unlock", Pin = "pin", Unpin = "unpin", Move = "move";
    public const string DismissFlags = "dismiss-flags";
    /// <summary>A sanction is recorded under its kind (<see cref="SanctionKinds"/>); lifting it as "lift-" and the kind.</summary>
    public static string Lift(string sanctionKind) => "lift-" + sanctionKind;
}

/// <summary>How a flag was resolved (<see cref="PostFlag.Resolution"/>), and the bulk actions of the queue.</summary>
public static class FlagResolutions
{
    public const string Hidden = "hidden";
    public const string Dismissed = "dismissed";
    public const string HideAction = "hide", DismissAction = "dismiss";
}

public static class SanctionKinds
{
    public const string Silence = "silence";
    public const string Suspend = "suspend";
}
