using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Insights;

/// <summary>The charts' numbers on a few threads whose answers are known.</summary>
public sealed class InsightChartTests(InsightsFactory factory) : IClassFixture<InsightsFactory>
{
    private async Task<ChartView> ChartAsync(ApiClient staff, string key, string extra = "")
    {
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        return await ApiClient.ReadAsync<ChartView>(await staff.GetAsync(
            $"/api/admin/insights/{key}?from={today.AddDays(-6):yyyy-MM-dd}&to={today:yyyy-MM-dd}{extra}"));
    }

    [Fact]
    public async Task Response_times_unanswered_share_solved_rate_posts_and_members_are_counted_from_the_threads()
    {
        using var staff = await factory.MemberAsync("Chart Admin", "Admin");
        using var asker = await factory.MemberAsync("Chart Asker");
        using var helper = await factory.MemberAsync("Chart Helper");
        var qa = await Forum.CategoryAsync(staff, qa: true);
        var answered = await Forum.ThreadAsync(asker, qa.Id, "Answered in two hours");
        factory.Clock.Advance(TimeSpan.FromHours(2));
        var reply = await Forum.ReplyAsync(helper, answered.Thread.Id, "Here is how.");
        Assert.Equal(HttpStatusCode.OK, (await asker.PostAsync($"/api/threads/{answered.Thread.Id}/accept", new { seq = reply.Seq })).StatusCode);
        await Forum.ThreadAsync(asker, qa.Id, "Never answered");
        var selfOnly = await Forum.ThreadAsync(asker, qa.Id, "Only the author wrote again");
        await Forum.ReplyAsync(asker, selfOnly.Thread.Id, "Anyone?");
        factory.Clock.Advance(TimeSpan.FromHours(30));
        await factory.FoldAsync();

        var category = $"&category={qa.Id}";
        var posts = await ChartAsync(staff, "posts", category);
        Assert.Equal((5, 3), (posts.Totals["posts"], posts.Totals["threads"]));
        Assert.StartsWith("5 posts (none in the previous 7 days) and 3 new threads", posts.Summary);
        var response = await ChartAsync(staff, "first-response", category);
        // Quantiles come from 5%-wide histogram buckets: within 2.5% of the exact two hours.
        Assert.InRange(response.Totals["median"], 1.95, 2.05);
        Assert.Equal(response.Totals["median"], response.Totals["p90"]);
        Assert.Equal(1, response.Totals["answered"]);
        Assert.Contains("Median time to first response 2 h (none in the previous 7 days), 90th percentile 2 h, over 1 answered thread.",
            response.Summary);
        var unanswered = await ChartAsync(staff, "unanswered", category);
        Assert.Equal((66.7, 2.0), (unanswered.Totals["share"], unanswered.Totals["unanswered"]));
        var solved = await ChartAsync(staff, "solved", category);
        Assert.Equal((33.3, 3.0), (solved.Totals["rate"], solved.Totals["questions"]));
        Assert.Equal("33.3% of 3 questions are solved, up 33.3 points on the previous 7 days.", solved.Summary);
        var members = await ChartAsync(staff, "new-members");
        Assert.Equal(3, members.Totals["new"]);
        var active = await ChartAsync(staff, "active-members");
        // The two who posted, and the admin who only visited (a visit counts as activity, as in Discourse's DAU/MAU).
        Assert.Equal(3, active.Series.Single(s => s.Name == "Monthly active").Points[^1].Value);
        Assert.InRange(active.Totals["stickiness"], 1, 100); // DAU over MAU: a share, never above 100%

        // Plans come from SSO and member sync; the helper is on the team plan.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            await db.Users.Where(u => u.Id == helper.Current!.Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.Plan, "team"));
        }
        await factory.RebuildAsync();
        var team = await ChartAsync(staff, "active-members", "&plan=team");
        Assert.Equal(1, team.Series.Single(s => s.Name == "Monthly active").Points[^1].Value);
        var byAccount = await ChartAsync(staff, "active-members", "&account=nobody");
        Assert.Equal(0, byAccount.Series.Single(s => s.Name == "Monthly active").Points[^1].Value);

        // Another category's filter sees none of it.
        var other = await Forum.CategoryAsync(staff);
        Assert.Equal(0, (await ChartAsync(staff, "posts", $"&category={other.Id}")).Totals["posts"]);
    }
}
