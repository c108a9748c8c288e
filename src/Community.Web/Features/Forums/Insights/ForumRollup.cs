using Community.Web.Data;
using Community.Web.Features.Insights;
using Community.Web.Features.Insights.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums.Insights;

/// <summary>The forums' part of the daily roll-ups: posts and new threads per category, the members who posted, reacted or voted on
/// ideas, and one <see cref="ThreadFact"/> per thread (when it was first answered by someone else, whether it is solved).</summary>
internal sealed class ForumRollup(CommunityDb db, TimeProvider clock) : IInsightRollup
{
    /// <summary>A forum chart's daily figures for the query's period and for the one before it, in the query's category when it
    /// names one.</summary>
    public static async Task<(Dictionary<string, Dictionary<DateOnly, long>> Now, Dictionary<string, Dictionary<DateOnly, long>> Before)>
        PeriodsAsync(InsightFigures figures, string[] metrics, InsightQuery query, CancellationToken ct)
    {
        var dim = query.CategoryId is { } c ? Dim(c) : null;
        return (await figures.DailyAsync(metrics, dim, query.From, query.To, ct),
            await figures.DailyAsync(metrics, dim, query.PreviousFrom, query.PreviousTo, ct));
    }

    public const string Posts = "forum.posts";
    public const string Threads = "forum.threads";

    public IReadOnlyList<RawFeed> Feeds { get; } =
    [
        new("forum.posts", async ct => await db.Set<ForumPost>().MaxAsync(p => (long?)p.Id, ct) ?? 0,
            async (after, upTo, ct) => Days(await db.Set<ForumPost>().Where(p => p.Id > after && p.Id <= upTo).Select(p => p.CreatedAt)
                .ToListAsync(ct))),
        new("forum.reactions", async ct => await db.Set<PostReaction>().MaxAsync(p => (long?)p.Id, ct) ?? 0,
            async (after, upTo, ct) => Days(await db.Set<PostReaction>().Where(p => p.Id > after && p.Id <= upTo).Select(p => p.CreatedAt)
                .ToListAsync(ct))),
        // Votes have no id: the newest vote's time stands in for one (and the fold looks a day further back).
        new("idea.votes", async ct => (await db.Set<IdeaVote>().MaxAsync(v => (DateTime?)v.CreatedAt, ct))?.Ticks ?? 0,
            async (after, upTo, ct) => Days(await db.Set<IdeaVote>().Where(v => v.CreatedAt > InsightDays.Since(after)
                && v.CreatedAt <= InsightDays.Until(upTo)).Select(v => v.CreatedAt).ToListAsync(ct))),
    ];

    private static HashSet<DateOnly> Days(List<DateTime> times) => times.Select(InsightDays.Of).ToHashSet();

    public async Task<DateOnly?> FirstDayAsync(CancellationToken ct)
    {
        var first = await db.Set<ForumPost>().MinAsync(p => (DateTime?)p.CreatedAt, ct);
        var vote = await db.Set<IdeaVote>().MinAsync(v => (DateTime?)v.CreatedAt, ct);
        var reaction = await db.Set<PostReaction>().MinAsync(v => (DateTime?)v.CreatedAt, ct);
        DateTime?[] all = [first, vote, reaction];
        return all.Where(a => a is not null).Min() is { } at ? InsightDays.Of(at) : null;
    }

    public async Task<DayContribution> ComputeDayAsync(DateOnly day, CancellationToken ct)
    {
        var (start, end) = (InsightDays.Start(day), InsightDays.Start(day.AddDays(1)));
        var posts = await (from p in db.Set<ForumPost>().AsNoTracking().Where(p => p.CreatedAt >= start && p.CreatedAt < end)
                           join t in db.Set<ForumThread>() on p.ThreadId equals t.Id
                           group p by t.CategoryId into g
                           select new { CategoryId = g.Key, Count = g.Count() }).ToListAsync(ct);
        var threads = await db.Set<ForumThread>().AsNoTracking().Where(t => t.CreatedAt >= start && t.CreatedAt < end)
            .GroupBy(t => t.CategoryId).Select(g => new { CategoryId = g.Key, Count = g.Count() }).ToListAsync(ct);
        var members = new HashSet<string>(StringComparer.Ordinal);
        members.UnionWith(await db.Set<ForumPost>().Where(p => p.CreatedAt >= start && p.CreatedAt < end).Select(p => p.AuthorId).Distinct()
            .ToListAsync(ct));
        members.UnionWith(await db.Set<PostReaction>().Where(p => p.CreatedAt >= start && p.CreatedAt < end).Select(p => p.MemberId)
            .Distinct().ToListAsync(ct));
        members.UnionWith(await db.Set<IdeaVote>().Where(p => p.CreatedAt >= start && p.CreatedAt < end).Select(p => p.MemberId)
            .Distinct().ToListAsync(ct));
        List<DayFigure> figures =
        [
            .. posts.Select(p => new DayFigure(Posts, Dim(p.CategoryId), p.Count)),
            .. threads.Select(t => new DayFigure(Threads, Dim(t.CategoryId), t.Count)),
            .. await ResponseFigures.OfDayAsync(db, day, clock.GetUtcNow().UtcDateTime, ct),
        ];
        return new DayContribution(figures, members);
    }

    public static string Dim(int categoryId) => categoryId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IReadOnlyCollection<DateOnly>> RefreshAsync(IReadOnlyCollection<DateOnly> days, bool rebuild, CancellationToken ct)
    {
        if (rebuild)
        {
            await db.Set<ThreadFact>().ExecuteDeleteAsync(ct);
            long last = 0;
            while (true)
            {
                var ids = await db.Set<ForumThread>().Where(t => t.Id > last).OrderBy(t => t.Id).Select(t => t.Id).Take(2000).ToListAsync(ct);
                if (ids.Count == 0) break;
                await ThreadFacts.RecomputeAsync(db, ids, ct);
                last = ids[^1];
            }
            return [];
        }
        var touched = new HashSet<long>();
        foreach (var day in days)
        {
            var (start, end) = (InsightDays.Start(day), InsightDays.Start(day.AddDays(1)));
            touched.UnionWith(await db.Set<ForumPost>().Where(p => p.CreatedAt >= start && p.CreatedAt < end).Select(p => p.ThreadId)
                .Distinct().ToListAsync(ct));
        }
        var started = new HashSet<DateOnly>();
        foreach (var chunk in touched.Order().Chunk(2000)) started.UnionWith(await ThreadFacts.RecomputeAsync(db, chunk, ct));
        started.UnionWith(await ThreadFacts.RefreshSolvedAsync(db, ct));
        return started;
    }
}

/// <summary>The forum categories for the insights filter (staff see every category).</summary>
internal sealed class InsightCategories(CommunityDb db) : IInsightCategories
{
    public async Task<IReadOnlyList<InsightCategoryDto>> ListAsync(CancellationToken ct) =>
        await db.Set<ForumCategory>().AsNoTracking().OrderBy(c => c.Position).ThenBy(c => c.Name)
            .Select(c => new InsightCategoryDto(c.Id, c.Name, c.IsQa)).ToListAsync(ct);
}
