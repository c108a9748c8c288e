using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Features.Lifecycle;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Lifecycle;

/// <summary>Two servers on one PostgreSQL database recomputing the same members at once record each stage change once.</summary>
public sealed class StagePostgresTests
{
    [PostgresFact]
    public async Task Two_servers_recomputing_at_once_record_each_change_once_on_postgres()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var one = new PostgresLifecycleFactory(database.ConnectionString);
        await using var two = new PostgresLifecycleFactory(database.ConnectionString);
        using var staff = await one.MemberAsync("Pg Stage Staff", "Moderator");
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var member = await one.MemberAsync($"Pg Stage Member {i}");
            ids.Add(member.Current!.Id);
        }
        // One pass first (the listener may have read a join before it committed: the daily pass is what makes that good).
        await using (var scope = one.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<StageEngine>().RecomputeAsync(null, default);
        foreach (var id in ids) Assert.Equal(Stages.Joined, (await staff.LifecycleAsync(id)).Stage);
        _ = two.Services; // start the second server
        one.Clock.Advance(TimeSpan.FromDays(91));
        two.Clock.Advance(TimeSpan.FromDays(91));

        var passes = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            await using var scope = (i % 2 == 0 ? one : two).Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<StageEngine>().RecomputeAsync(null, default);
        }));
        Assert.Equal(ids.Count + 1, passes.Sum()); // the staff member too

        var toDormant = await one.DbAsync(db => db.Set<MemberStageChange>().CountAsync(c => c.ToStage == Stages.Dormant));
        Assert.Equal(ids.Count + 1, toDormant);
        var flows = await one.DbAsync(db => db.Set<StageFlowDay>().Where(f => f.ToStage == Stages.Dormant).SumAsync(f => f.Count));
        Assert.Equal(ids.Count + 1, flows);
    }
}
