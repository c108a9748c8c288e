using System.Threading.RateLimiting;
using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Forums;

/// <summary>
/// Per-member limits on posting and flagging. Done in the handler rather than as a route policy because the
/// partition depends on how long ago the member joined, which needs the member record.
/// </summary>
public sealed class PostingLimiter(ForumOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _posts = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, k => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, k.StartsWith("new:", StringComparison.Ordinal) ? options.NewMemberPostsPerMinute : options.PostsPerMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    private readonly PartitionedRateLimiter<string> _flags = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.FlagsPerHour),
            Window = TimeSpan.FromHours(1),
            QueueLimit = 0,
        }));

    /// <summary>Null when the member may post now; otherwise the 429 to answer.</summary>
    public ProblemHttpResult? Post(string memberId, bool isNewMember) =>
        Acquire(_posts, (isNewMember ? "new:" : "old:") + memberId, "You are posting too fast.");

    /// <summary>Null when the member may flag now; otherwise the 429 to answer.</summary>
    public ProblemHttpResult? Flag(string memberId) => Acquire(_flags, memberId, "You have flagged a lot of posts recently.");

    private static ProblemHttpResult? Acquire(PartitionedRateLimiter<string> limiter, string key, string message)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return null;
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
        return Problems.TooMany($"{message} Try again in {seconds} seconds.", seconds);
    }

    public void Dispose()
    {
        _posts.Dispose();
        _flags.Dispose();
    }
}
