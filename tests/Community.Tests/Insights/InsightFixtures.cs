using Community.Tests.Forums;
using Community.Web.Features.Insights.Rollups;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Insights;

public sealed record SourceView(string Key, string Title, int Order);
public sealed record PointView(DateOnly Date, double Value);
public sealed record SeriesView(string Name, List<PointView> Points);
public sealed record TableView(List<string> Columns, List<List<string>> Rows);
public sealed record ChartView(string Key, string Title, string Unit, string Summary, List<SeriesView> Series, List<SeriesView> Previous,
    Dictionary<string, double> Totals, Dictionary<string, double> PreviousTotals, TableView? Table);

/// <summary>The insights factory on a PostgreSQL database (several share one, as servers behind a load balancer do).</summary>
public sealed class PostgresInsightsFactory(string connectionString) : InsightsFactory
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Database:Provider"] = "Postgres";
        settings["Database:ConnectionString"] = connectionString;
        return settings;
    }
}

/// <summary>Forum factory whose roll-ups fold only when a test says so.</summary>
public class InsightsFactory : ForumFactory
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Insights:FoldSeconds"] = "0";
        return settings;
    }

    public async Task FoldAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<InsightRollups>().FoldAsync(CancellationToken.None);
    }

    public async Task RebuildAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<InsightRollups>().RebuildAsync(CancellationToken.None);
    }
}
