using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Community.Web.Features.Insights.Rollups;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Insights;

/// <summary>Two servers on one PostgreSQL database folding and rebuilding at the same time end with the same roll-ups as one
/// rebuild alone.</summary>
public sealed class RollupsAcrossServersTests
{
    [PostgresFact]
    public async Task Folds_and_a_rebuild_on_two_servers_at_once_agree_with_a_rebuild()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresInsightsFactory(database.ConnectionString);
        await using var b = new PostgresInsightsFactory(database.ConnectionString);
        using var admin = await a.MemberAsync("Across Insights Admin", "Admin");
        using var onA = await a.MemberAsync("Across Insights Ana");
        using var onB = await b.MemberAsync("Across Insights Ben");
        var category = await Forum.CategoryAsync(admin, qa: true);
        for (var i = 0; i < 4; i++)
        {
            var thread = await Forum.ThreadAsync(i % 2 == 0 ? onA : onB, category.Id, $"Question {i}");
            await Forum.ReplyAsync(i % 2 == 0 ? onB : onA, thread.Thread.Id, "An answer");
        }
        await Task.WhenAll(a.FoldAsync(), b.FoldAsync(), a.RebuildAsync(), b.FoldAsync());
        var together = await SnapshotAsync(a);
        await b.RebuildAsync();
        Assert.Equal(await SnapshotAsync(a), together);
        Assert.Contains($"forum.posts|{category.Id}|8", together);
        Assert.Contains("active.day||3", together); // Ana and Ben posted; the admin visited
    }

    private static async Task<List<string>> SnapshotAsync(PostgresInsightsFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        return (await db.Set<InsightFigure>().ToListAsync()).Select(f => $"{f.Metric}|{f.Dimension}|{f.Value}").Order().ToList();
    }
}
