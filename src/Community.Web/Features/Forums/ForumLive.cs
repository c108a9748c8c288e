namespace Community.Web.Features.Forums;

/// <summary>Live group names and event names of the forums. Payload shapes are the DTOs in ForumDtos.cs.</summary>
public static class ForumLive
{
    public const string ModQueue = "mod-queue";
    public static string Thread(long id) => "thread:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public static string Category(int id) => "category:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    /// <summary>New flags of one category go only to moderators who may read it.</summary>
    public static string ModQueueFor(int categoryId) => ModQueue + ":" + categoryId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static long? ThreadIdOf(string group) => group.StartsWith("thread:", StringComparison.Ordinal)
        && long.TryParse(group.AsSpan(7), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>PostDto, to thread:{id}, after the reply's transaction commits.</summary>
    public const string PostCreated = "postCreated";
    /// <summary>PostDto (edit, hide, unhide, delete, reaction counts); compare Version to drop stale ones.</summary>
    public const string PostUpdated = "postUpdated";
    /// <summary>ThreadDto (lock, pin, move, title, accepted answer).</summary>
    public const string ThreadUpdated = "threadUpdated";
    /// <summary>{ threadId } when a thread is deleted.</summary>
    public const string ThreadDeleted = "threadDeleted";
    /// <summary>CategoryThreadEvent to category:{id}: a new thread.</summary>
    public const string ThreadCreated = "threadCreated";
    /// <summary>CategoryThreadEvent to category:{id}: a reply moved the thread's counters.</summary>
    public const string ThreadActivity = "threadActivity";
    public const string Typing = "typing";
    public const string Viewers = "viewers";
    public const string FlagCreated = "flagCreated";
    public const string FlagsResolved = "flagsResolved";
    public const string Notification = "notification";
}

public sealed record CategoryThreadEvent(int CategoryId, ThreadSummary Thread);
public sealed record TypingEvent(long ThreadId, string UserName, string DisplayName);
public sealed record ViewersEvent(long ThreadId, int Count);
public sealed record ThreadDeletedEvent(long ThreadId);
public sealed record FlagsResolvedEvent(IReadOnlyList<long> Ids);
