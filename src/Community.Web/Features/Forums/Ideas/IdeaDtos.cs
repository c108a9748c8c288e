namespace Community.Web.Features.Forums;

/// <summary>Configuration section <c>Ideas</c>.</summary>
public sealed class IdeaOptions
{
    public const string Section = "Ideas";

    /// <summary>Votes a member may have on open ideas at once; votes on shipped, declined or merged ideas come back.</summary>
    public int VoteBudget { get; set; } = 10;
    /// <summary>"Trending" counts the votes of this many recent days.</summary>
    public int TrendingDays { get; set; } = 14;
}

/// <summary>An idea in a list: the thread with its status and votes; <c>Voted</c> is the caller's own vote.</summary>
public sealed record IdeaSummary(long Id, string Title, string Url, CategoryRef Category, AuthorDto Author, DateTime CreatedAt, string Status,
    string StatusLabel, int Votes, int RecentVotes, int Replies, bool Voted);

/// <summary>One idea as its page shows it. The viewer's part (<c>Voted</c>, <c>VotesLeft</c>, <c>CanManage</c>) is the caller's own.</summary>
public sealed record IdeaDetail(long Id, string Title, string Url, CategoryRef Category, AuthorDto Author, DateTime CreatedAt, string Status,
    string StatusLabel, string? StatusNote, DateTime? StatusChangedAt, string? AnnouncementUrl, int Votes, long? MergedIntoId, bool Voted,
    int? VotesLeft, int Budget, bool CanManage);

/// <summary>The answer to a vote or unvote, and the live event <c>ideaVotes</c> (without the viewer's part).</summary>
public sealed record IdeaVoteState(long ThreadId, int Votes, bool Voted, int VotesLeft, int Budget);

/// <summary>Live: an idea's vote count moved (to thread:{id} and category:{id}).</summary>
public sealed record IdeaVotesEvent(long ThreadId, int CategoryId, int Votes);

/// <summary>Live: staff changed an idea (status, note, announcement, merge).</summary>
public sealed record IdeaChangedEvent(long ThreadId, int CategoryId, string Status, string StatusLabel, string? StatusNote, string? AnnouncementUrl,
    int Votes, long? MergedIntoId, string? MergedIntoUrl);

public sealed record IdeaStatusRequest(string? Status, string? Note, string? AnnouncementUrl);
public sealed record IdeaMergeRequest(long? TargetId);

public sealed record IdeaVoter(string UserName, string DisplayName, DateTime VotedAt);
/// <summary>Voters who share a product account and plan ("unknown" when the product told us neither).</summary>
public sealed record IdeaVoterGroup(string Account, string? AccountName, string Plan, int Count, IReadOnlyList<IdeaVoter> Voters);
public sealed record IdeaVoters(long ThreadId, int Total, IReadOnlyList<IdeaVoterGroup> Groups);

/// <summary>Live event names of ideas.</summary>
public static class IdeaLive
{
    public const string Votes = "ideaVotes";
    public const string Changed = "ideaChanged";
}
