namespace Community.Web.Features.Forums;

/// <summary>What a forum notification is about (stored in <see cref="ForumNotification.Kind"/> and sent to the browser).</summary>
public static class NotificationKinds
{
    public const string Mention = "mention";
    public const string Reply = "reply";
    public const string Answer = "answer";
    /// <summary>An accepted answer was turned into a knowledge-base article.</summary>
    public const string Promoted = "promoted";
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
