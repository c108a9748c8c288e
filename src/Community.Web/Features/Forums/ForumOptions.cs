namespace Community.Web.Features.Forums;

/// <summary>Configuration section <c>Forums</c>. Rate limits are per member; members at trust level 0 (Features/Recognition) get the
/// stricter numbers.</summary>
public sealed class ForumOptions
{
    public const string Section = "Forums";

    public int PostsPerMinute { get; set; } = 10;
    public int NewMemberPostsPerMinute { get; set; } = 3;
    public int FlagsPerHour { get; set; } = 20;
    /// <summary>Votes and unvotes on ideas: each is a write and two live events, so a script toggling one cannot flood viewers.</summary>
    public int VotesPerMinute { get; set; } = 60;
    /// <summary>Posts per window when the client does not ask (max 100).</summary>
    public int WindowSize { get; set; } = 50;
    /// <summary>Typing events per member per thread are broadcast at most this often.</summary>
    public int TypingThrottleMilliseconds { get; set; } = 2000;
}
