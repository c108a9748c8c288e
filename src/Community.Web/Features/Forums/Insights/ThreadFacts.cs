using Community.Web.Data;
using Community.Web.Features.Insights.Rollups;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Forums.Insights;

/// <summary>A thread as the insights see it: when it started, how long until someone other than its author replied (null: nobody
/// yet), and whether it is solved. Every thread ever started counts, deleted ones included, as it did on the day.</summary>
public sealed class ThreadFact
{
    public long ThreadId { get; set; }
    public int CategoryId { get; set; }
    public DateOnly Day { get; set; }
    public DateTime CreatedAt { get; set; }
    public bool IsQa { get; set; }
    public long? FirstResponseSeconds { get; set; }
    public bool Solved { get; set; }
}

internal sealed class ThreadFactConfiguration : IEntityTypeConfiguration<ThreadFact>
{
    public void Configure(EntityTypeBuilder<ThreadFact> b)
    {
        b.ToTable("InsightThreadFacts");
        b.HasKey(x => x.ThreadId);
        b.Property(x => x.ThreadId).ValueGeneratedNever();
        b.HasIndex(x => new { x.Day, x.CategoryId });
    }
}

internal static class ThreadFacts
{
    /// <summary>Recomputes the facts of <paramref name="threadIds"/>; returns the days those threads were started.</summary>
    public static async Task<HashSet<DateOnly>> RecomputeAsync(CommunityDb db, IReadOnlyCollection<long> threadIds, CancellationToken ct)
    {
        var threads = await (from t in db.Set<ForumThread>().AsNoTracking().Where(t => threadIds.Contains(t.Id))
                             join c in db.Set<ForumCategory>() on t.CategoryId equals c.Id
                             select new { t.Id, t.CategoryId, t.CreatedAt, t.AuthorId, c.IsQa, Solved = t.AcceptedSeq != null })
            .ToListAsync(ct);
        var firsts = await (from p in db.Set<ForumPost>().AsNoTracking().Where(p => threadIds.Contains(p.ThreadId) && p.Seq > 1)
                            join t in db.Set<ForumThread>() on p.ThreadId equals t.Id
                            where p.AuthorId != t.AuthorId
                            group p by p.ThreadId into g
                            select new { ThreadId = g.Key, At = g.Min(p => p.CreatedAt) }).ToDictionaryAsync(x => x.ThreadId, x => x.At, ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await RollupLock.TakeAsync(db, ct);
        await db.Set<ThreadFact>().Where(f => threadIds.Contains(f.ThreadId)).ExecuteDeleteAsync(ct);
        db.Set<ThreadFact>().AddRange(threads.Select(t => new ThreadFact
        {
            ThreadId = t.Id, CategoryId = t.CategoryId, Day = InsightDays.Of(t.CreatedAt), CreatedAt = t.CreatedAt, IsQa = t.IsQa,
            Solved = t.Solved,
            FirstResponseSeconds = firsts.TryGetValue(t.Id, out var at) ? (long)Math.Max(0, (at - t.CreatedAt).TotalSeconds) : null,
        }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return threads.Select(t => InsightDays.Of(t.CreatedAt)).ToHashSet();
    }

    /// <summary>An answer is accepted (or no longer) without a new post: each pass brings the solved flags up to date in two
    /// statements rather than waiting for the thread's next reply.</summary>
    public static async Task<List<DateOnly>> RefreshSolvedAsync(CommunityDb db, CancellationToken ct)
    {
        var solved = db.Set<ForumThread>().Where(t => t.AcceptedSeq != null).Select(t => t.Id);
        var changed = await db.Set<ThreadFact>().Where(f => f.Solved != solved.Contains(f.ThreadId)).Select(f => f.Day).Distinct().ToListAsync(ct);
        if (changed.Count == 0) return changed;
        await db.Set<ThreadFact>().Where(f => !f.Solved && solved.Contains(f.ThreadId))
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Solved, true), ct);
        await db.Set<ThreadFact>().Where(f => f.Solved && !solved.Contains(f.ThreadId))
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Solved, false), ct);
        return changed;
    }
}
