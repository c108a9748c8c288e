using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Data;
using Community.Web.Features.Insights;
using Community.Web.Features.Lifecycle;
using Community.Web.Features.Lifecycle.Insights;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Lifecycle;

/// <summary>The two lifecycle insight sources, through DI as the insights module calls them, on random histories and on real changes.</summary>
public sealed class StageInsightTests(LifecycleFactory factory) : IClassFixture<LifecycleFactory>
{
    private static readonly DateOnly Today = new(2026, 12, 1);

    private async Task<InsightChart> ChartAsync(string key, DateOnly from, DateOnly to)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var source = scope.ServiceProvider.GetServices<IInsightSource>().Single(s => s.Key == key);
        return await source.ComputeAsync(new InsightQuery(from, to, null, null, null), default);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task The_stage_distribution_and_flows_equal_a_count_from_the_raw_history_on_random_data(int seed)
    {
        var random = new Random(seed);
        var history = new List<MemberStageChange>();
        for (var m = 0; m < 150; m++)
        {
            var at = Today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddDays(-random.Next(0, 420)).AddMinutes(random.Next(0, 1440));
            var previousStage = "";
            for (var step = random.Next(1, 7); step > 0 && at < Today.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Utc); step--)
            {
                var to = Stages.All.Where(s => s != previousStage).ElementAt(random.Next(previousStage.Length == 0 ? 7 : 6));
                history.Add(new MemberStageChange
                {
                    MemberId = $"seed{seed}-m{m}", FromStage = previousStage, ToStage = to, Cause = "random", At = at,
                });
                previousStage = to;
                at = at.AddHours(random.Next(1, 24 * 60));
            }
        }
        await factory.DbAsync(async db =>
        {
            await db.Set<MemberStageChange>().ExecuteDeleteAsync();
            db.AddRange(history);
            return await db.SaveChangesAsync();
        });
        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<StageFlowRollup>().RebuildAsync(default);

        var from = Today.AddDays(-89);
        var chart = await ChartAsync("stages", from, Today);
        for (var day = from; day <= Today; day = day.AddDays(1))
        {
            var end = day.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Utc);
            var expected = history.Where(c => c.At <= end).GroupBy(c => c.MemberId)
                .Select(g => g.OrderBy(c => c.At).Last().ToStage).CountBy(s => s).ToDictionary();
            foreach (var stage in Stages.All)
            {
                var point = chart.Series.Single(s => s.Name == Stages.Label(stage)).Points[day.DayNumber - from.DayNumber];
                Assert.Equal(day, point.Date);
                Assert.Equal(expected.GetValueOrDefault(stage), (int)point.Value);
            }
        }
        Assert.Equal(90, chart.Previous[0].Points.Count);

        var flows = await ChartAsync("stage-flows", from, Today);
        var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var inPeriod = history.Where(c => c.At >= start).ToList();
        Assert.Equal(inPeriod.Count, flows.Totals["Stage changes"]);
        var pairs = inPeriod.CountBy(c => (From: c.FromStage.Length == 0 ? "(none)" : Stages.Label(c.FromStage), To: Stages.Label(c.ToStage)));
        foreach (var (pair, count) in pairs)
            Assert.Contains(flows.Table!.Rows,
                r => r[0] == pair.From && r[1] == pair.To && r[2] == count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var previousStart = start.AddDays(-90);
        Assert.Equal(history.Count(c => c.At >= previousStart && c.At < start), flows.PreviousTotals["Stage changes"]);
    }

    [Fact]
    public async Task Stage_changes_keep_the_roll_up_equal_to_a_rebuild_and_the_chart_shows_members_moving()
    {
        using var admin = await factory.MemberAsync("Insight Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        using var poster = await factory.MemberAsync("Insight Poster");
        using var quiet = await factory.MemberAsync("Insight Quiet");
        await Forum.ThreadAsync(poster, category.Id);
        await admin.StageBecomesAsync(poster.Current!.Id, Stages.Onboarding);
        await admin.StageBecomesAsync(quiet.Current!.Id, Stages.Joined);
        var day0 = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        await factory.AdvanceAsync(TimeSpan.FromDays(15));
        var day15 = day0.AddDays(15);

        var chart = await ChartAsync("stages", day0, day15);
        var engaged = chart.Series.Single(s => s.Name == "Engaged").Points;
        Assert.True(engaged[^1].Value >= 1);
        Assert.True(engaged[^1].Value > engaged[0].Value);
        Assert.Contains("Engaged", chart.Summary, StringComparison.Ordinal);
        var flows = await ChartAsync("stage-flows", day0, day15);
        Assert.Contains(flows.Table!.Rows, r => r[0] == "Onboarding" && r[1] == "Engaged");

        var kept = await factory.DbAsync(db => db.Set<StageFlowDay>().AsNoTracking()
            .OrderBy(f => f.Day).ThenBy(f => f.FromStage).ThenBy(f => f.ToStage)
            .Select(f => $"{f.Day} {f.FromStage}>{f.ToStage} {f.Count}").ToListAsync());
        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<StageFlowRollup>().RebuildAsync(default);
        var rebuilt = await factory.DbAsync(db => db.Set<StageFlowDay>().AsNoTracking()
            .OrderBy(f => f.Day).ThenBy(f => f.FromStage).ThenBy(f => f.ToStage)
            .Select(f => $"{f.Day} {f.FromStage}>{f.ToStage} {f.Count}").ToListAsync());
        Assert.Equal(kept, rebuilt);
    }
}
