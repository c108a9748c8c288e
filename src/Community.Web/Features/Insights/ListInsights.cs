namespace Community.Web.Features.Insights;

public sealed record InsightSourceDto(string Key, string Title, int Order);

/// <summary>GET /api/admin/insights: the dashboard's charts, in order.</summary>
internal static class ListInsights
{
    public static void Map(RouteGroupBuilder api) => api.MapGet("", (IEnumerable<IInsightSource> sources) =>
        TypedResults.Ok(sources.OrderBy(s => s.Order).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new InsightSourceDto(s.Key, s.Title, s.Order)).ToList()));
}
