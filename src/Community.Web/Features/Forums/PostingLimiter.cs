using System.Threading.RateLimiting;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;

namespace Community.Web.Features.Forums;

/// <summary>
/// Per-member limits on posting, flagging and voting on ideas. Done in the handler rather than as a route policy because the
/// partition depends on how long ago the member joined, which needs the member record. On PostgreSQL (several servers) the
/// windows are counted in the database, so hitting N servers does not give N allowances; on SQLite (one server) in memory.
/// </summary>
public sealed class PostingLimiter(ForumOptions options, DatabaseOptions database, RateCounters shared) : IDisposable
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

    private readonly PartitionedRateLimiter<string> _votes = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.VotesPerMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    private const string PostMessage = "You are posting too fast.", FlagMessage = "You have flagged a lot of posts recently.";
    private const string VoteMessage = "You are voting too fast.";

    /// <summary>Null when the member may post now; otherwise the 429 to answer.</summary>
    public async ValueTask<ProblemHttpResult?> PostAsync(string memberId, bool isNewMember, CancellationToken ct)
    {
        if (!database.IsPostgres) return Acquire(_posts, (isNewMember ? "new:" : "old:") + memberId, PostMessage);
        var limit = Math.Max(1, isNewMember ? options.NewMemberPostsPerMinute : options.PostsPerMinute);
        return TooMany(await shared.HitAsync("post:" + memberId, limit, TimeSpan.FromMinutes(1), ct), PostMessage);
    }

    /// <summary>Null when the member may flag now; otherwise the 429 to answer.</summary>
    public async ValueTask<ProblemHttpResult?> FlagAsync(string memberId, CancellationToken ct)
    {
        if (!database.IsPostgres) return Acquire(_flags, memberId, FlagMessage);
        return TooMany(await shared.HitAsync("flag:" + memberId, Math.Max(1, options.FlagsPerHour), TimeSpan.FromHours(1), ct), FlagMessage);
    }

    /// <summary>Null when the member may vote (or take a vote back) now; otherwise the 429 to answer.</summary>
    public async ValueTask<ProblemHttpResult?> VoteAsync(string memberId, CancellationToken ct)
    {
        if (!database.IsPostgres) return Acquire(_votes, memberId, VoteMessage);
        return TooMany(await shared.HitAsync("vote:" + memberId, Math.Max(1, options.VotesPerMinute), TimeSpan.FromMinutes(1), ct), VoteMessage);
    }

    private static ProblemHttpResult? TooMany(TimeSpan? retryAfter, string message)
    {
        if (retryAfter is not { } wait) return null;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return Problems.TooMany($"{message} Try again in {seconds} seconds.", seconds);
    }

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
        _votes.Dispose();
    }
}
