namespace Community.Web.Features.Forums;

public sealed record AuthorDto(string UserName, string DisplayName, string? AvatarUrl);

/// <summary>A post as every viewer sees it. Hidden and deleted posts keep their place (seq) with empty HTML.</summary>
public sealed record PostDto(long Id, long ThreadId, int Seq, AuthorDto Author, string Html, DateTime CreatedAt, DateTime? EditedAt,
    bool Hidden, bool Deleted, IReadOnlyDictionary<string, int> Reactions, long Version);

public sealed record CategoryRef(int Id, string Slug, string Name, bool IsQa, bool IsIdeas = false);

public sealed record ThreadDto(long Id, string Title, string Slug, string Url, CategoryRef Category, AuthorDto Author, DateTime CreatedAt,
    DateTime LastPostAt, int LastSeq, bool Locked, bool Pinned, int? AcceptedSeq, long Version, string Summary);

public sealed record ThreadSummary(long Id, string Title, string Url, AuthorDto Author, DateTime CreatedAt, DateTime LastPostAt, int LastSeq,
    bool Locked, bool Pinned, bool Answered, int Unread);

/// <remarks><c>ReadPlans</c>/<c>ReadAccounts</c> are filled for admins only: other customers' account ids are nobody else's business.</remarks>
public sealed record CategoryDto(int Id, string Slug, string Name, string Description, int Position, bool IsQa, bool IsPrivate,
    IReadOnlyList<string> ReadRoles, int ThreadCount, int PostCount, DateTime? LastActivityAt, int Unread,
    IReadOnlyList<string> ReadPlans, IReadOnlyList<string> ReadAccounts, string Kind = CategoryKinds.Discussion);

/// <summary>What the signed-in reader needs on top of the shared window: never cached across members.</summary>
public sealed record ViewerState(int LastReadSeq, bool Watching, IReadOnlyList<MyReaction> Reactions, bool CanModerate, bool CanReply,
    string? UserName);

public sealed record MyReaction(int Seq, string Kind);

/// <summary>A keyset window of posts: <c>after</c>/<c>before</c> are sequence numbers. The same call is the catch-up after a reconnect.</summary>
public sealed record PostWindow(long ThreadId, int LastSeq, long Version, IReadOnlyList<PostDto> Posts, bool HasMoreBefore, bool HasMoreAfter);

public sealed record CreateThreadRequest(int? CategoryId, string? Title, string? Body);
public sealed record CreatedThread(ThreadDto Thread, PostDto Post);
public sealed record PostBodyRequest(string? Body);
public sealed record ReactionRequest(string? Kind);
public sealed record AcceptRequest(int? Seq);
public sealed record ReadRequest(int? Seq);
public sealed record ThreadPatchRequest(string? Title, bool? Locked, bool? Pinned, int? CategoryId, string? Reason);
public sealed record ReasonRequest(string? Reason);
public sealed record FlagRequest(string? Reason);
public sealed record OpenFlagCount(int Open);
public sealed record ResolveFlagsRequest(IReadOnlyList<long>? Ids, string? Action, string? Reason);
public sealed record SanctionRequest(string? Kind, int? Days, string? Reason);
public sealed record CategoryRequest(string? Name, string? Slug, string? Description, int? Position, bool? IsQa, IReadOnlyList<string>? ReadRoles,
    IReadOnlyList<string>? ReadPlans = null, IReadOnlyList<string>? ReadAccounts = null, string? Kind = null);

public sealed record PostSource(string Body);
public sealed record RevisionDto(string Body, DateTime CreatedAt, string EditorName);
public sealed record FlagDto(long Id, long PostId, long ThreadId, int Seq, string ThreadTitle, string Url, string Excerpt, AuthorDto PostAuthor,
    string FlaggedBy, string Reason, DateTime CreatedAt, bool PostHidden);
public sealed record ModActionDto(long Id, string Moderator, string Action, string Target, string Reason, DateTime CreatedAt);
public sealed record SanctionDto(long Id, string UserName, string Kind, DateTime Until, string Reason);
public sealed record NotificationDto(long Id, string Kind, string Text, string Url, DateTime CreatedAt, bool Read);
public sealed record NotificationList(int Unread, IReadOnlyList<NotificationDto> Items);
/// <summary>A forum search result; <see cref="IsIdea"/> when its thread is an idea (a thread in an Ideas category).</summary>
public sealed record SearchHit(long ThreadId, int Seq, string Title, string Url, string Snippet, string Category, bool IsIdea = false);
public sealed record ActivityItem(string Title, string Url, string Summary);

/// <summary>Reaction kinds members can pick; names in the API, emoji on screen.</summary>
public static class ReactionKinds
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["like"] = "👍", ["heart"] = "❤️", ["tada"] = "🎉", ["laugh"] = "😄", ["thinking"] = "🤔", ["eyes"] = "👀",
    };
}
