using Community.Web.Features.Insights;

namespace Community.Web.Features.Forums.Insights;

/// <summary>Posts (first posts and replies) and new threads per day, in one category or all.</summary>
internal sealed class PostsInsight(InsightFigures figures) : IInsightSource
{
    public string Key => "posts";
    public string Title => "Posts and threads";
    public int Order => 30;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        string[] metrics = [ForumRollup.Posts, ForumRollup.Threads];
        var (now, before) = await ForumRollup.PeriodsAsync(figures, metrics, query, ct);
        var totals = new Dictionary<string, double>
        {
            ["posts"] = now[ForumRollup.Posts].Values.Sum(), ["threads"] = now[ForumRollup.Threads].Values.Sum(),
        };
        var previous = new Dictionary<string, double>
        {
            ["posts"] = before[ForumRollup.Posts].Values.Sum(), ["threads"] = before[ForumRollup.Threads].Values.Sum(),
        };
        var summary = $"{InsightShapes.Count(totals["posts"], "post")} ({InsightShapes.Change(totals["posts"], previous["posts"], query.Days)})"
            + $" and {InsightShapes.Count(totals["threads"], "new thread")}"
            + $" ({InsightShapes.Change(totals["threads"], previous["threads"], query.Days)}).";
        return new InsightChart(Key, Title, "count", summary,
            [InsightShapes.Daily("Posts", query.From, query.To, now[ForumRollup.Posts]),
                InsightShapes.Daily("Threads", query.From, query.To, now[ForumRollup.Threads])],
            [InsightShapes.Daily("Posts", query.PreviousFrom, query.PreviousTo, before[ForumRollup.Posts]),
                InsightShapes.Daily("Threads", query.PreviousFrom, query.PreviousTo, before[ForumRollup.Threads])],
            totals, previous);
    }
}
