using Community.Web.Data;
using Community.Web.Features.Insights;
using Community.Web.Features.Insights.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums.Insights;

/// <summary>Ideas posted in the period by their status today (merged ideas left out), against the previous period. Ideas are few
/// (thousands, not millions), so this reads the ideas themselves.</summary>
internal sealed class IdeasInsight(CommunityDb db) : IInsightSource
{
    public string Key => "ideas";
    public string Title => "Ideas by status";
    public int Order => 80;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var now = await ByStatusAsync(query, query.From, query.To, ct);
        var before = await ByStatusAsync(query, query.PreviousFrom, query.PreviousTo, ct);
        var (total, previous) = (now.Values.Sum(), before.Values.Sum());
        var shipped = now.GetValueOrDefault(IdeaStatuses.Shipped);
        var summary = $"{InsightShapes.Number(total)} ideas posted ({InsightShapes.Change(total, previous, query.Days)}), "
            + $"{InsightShapes.Number(shipped)} of them shipped so far.";
        var rows = IdeaStatuses.All.Select(s => (IReadOnlyList<string>)[IdeaStatuses.Label(s), Text(now.GetValueOrDefault(s)),
            Text(before.GetValueOrDefault(s))]).ToList();
        return new InsightChart(Key, Title, "ideas", summary, [], [],
            IdeaStatuses.All.ToDictionary(s => s, s => (double)now.GetValueOrDefault(s)),
            IdeaStatuses.All.ToDictionary(s => s, s => (double)before.GetValueOrDefault(s)),
            new InsightTable(["Status", "Ideas", "Previous period"], rows));
    }

    private static string Text(long n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<Dictionary<string, long>> ByStatusAsync(InsightQuery query, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (start, end) = (InsightDays.Start(from), InsightDays.Start(to.AddDays(1)));
        // Ideas live in idea boards: narrowing the threads to those few categories first keeps SQLite from walking a year of
        // every category's threads by date.
        var boards = await db.Set<ForumCategory>().Where(c => c.Kind == CategoryKinds.Ideas).Select(c => c.Id).ToListAsync(ct);
        if (query.CategoryId is { } only) boards = boards.Where(b => b == only).ToList();
        if (boards.Count == 0) return [];
        var ideas = from t in db.Set<ForumThread>().AsNoTracking()
                    join i in db.Set<Idea>() on t.Id equals i.ThreadId
                    where boards.Contains(t.CategoryId) && i.MergedIntoId == null && !t.IsDeleted && t.CreatedAt >= start && t.CreatedAt < end
                    select new { i.Status, t.CategoryId };
        return await ideas.GroupBy(i => i.Status).Select(g => new { g.Key, Count = (long)g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
    }
}
