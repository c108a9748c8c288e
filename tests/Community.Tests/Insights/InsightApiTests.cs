using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Insights;

/// <summary>The insights API: who may call it, what it refuses, and its CSV.</summary>
public sealed class InsightApiTests(InsightsFactory factory) : IClassFixture<InsightsFactory>
{
    [Fact]
    public async Task Visitors_get_401_members_403_and_staff_the_list_of_charts()
    {
        using var visitor = factory.CreateApiClient();
        using var member = await factory.MemberAsync("Plain Member");
        using var marketing = await factory.MemberAsync("Insight Marketer", "Marketing");
        await ApiClient.ProblemAsync(await visitor.GetAsync("/api/admin/insights"), HttpStatusCode.Unauthorized);
        await ApiClient.ProblemAsync(await member.GetAsync("/api/admin/insights"), HttpStatusCode.Forbidden);
        await ApiClient.ProblemAsync(await member.GetAsync("/api/admin/insights/posts"), HttpStatusCode.Forbidden);
        await ApiClient.ProblemAsync(await member.PostAsync("/api/admin/insights/rebuild"), HttpStatusCode.Forbidden);
        var sources = await ApiClient.ReadAsync<List<SourceView>>(await marketing.GetAsync("/api/admin/insights"));
        Assert.Equal(["new-members", "active-members", "posts", "first-response", "unanswered", "solved", "referral-funnel",
            "referral-campaigns", "ideas", "kb-helpfulness", "stages", "stage-flows"], sources.Select(s => s.Key));
        Assert.Equal(sources.OrderBy(s => s.Order).Select(s => s.Key), sources.Select(s => s.Key));
        var page = await member.GetAsync("/admin/insights");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await marketing.GetAsync("/admin/insights")).StatusCode);
    }

    [Theory]
    [InlineData("from=2026-13-01&to=2026-12-01", "from")]
    [InlineData("from=2026-01-01&to=yesterday", "to")]
    [InlineData("from=2026-03-01&to=2026-02-28", "to")]
    [InlineData("from=2020-01-01&to=2026-01-01", "to")]
    [InlineData("from=2026-01-01&to=2026-01-31&category=999999", "category")]
    [InlineData("from=2026-01-01&to=2026-01-31&category=abc", "category")]
    [InlineData("from=2026-01-01&to=2026-01-31&format=xml", "format")]
    public async Task Bad_periods_and_filters_are_400_naming_the_field(string query, string field)
    {
        using var staff = await factory.MemberAsync("Insight Moderator", "Moderator");
        var problem = await ApiClient.ProblemAsync(await staff.GetAsync($"/api/admin/insights/posts?{query}"), HttpStatusCode.BadRequest);
        Assert.True(problem.Errors!.ContainsKey(field), string.Join(",", problem.Errors.Keys));
    }

    [Fact]
    public async Task Unknown_chart_is_404_and_the_default_period_is_the_last_30_days()
    {
        using var staff = await factory.MemberAsync("Insight Admin", "Admin");
        await ApiClient.ProblemAsync(await staff.GetAsync("/api/admin/insights/nope"), HttpStatusCode.NotFound);
        var chart = await ApiClient.ReadAsync<ChartView>(await staff.GetAsync("/api/admin/insights/posts"));
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(30, chart.Series[0].Points.Count);
        Assert.Equal(today, chart.Series[0].Points[^1].Date);
        Assert.Equal(today.AddDays(-30), chart.Previous[0].Points[^1].Date);
        var fiveYears = await staff.GetAsync($"/api/admin/insights/posts?from={today.AddYears(-5).AddDays(1):yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.OK, fiveYears.StatusCode);
    }

    [Fact]
    public async Task Csv_has_the_charts_numbers_and_a_file_name_and_keeps_formulas_as_text()
    {
        using var admin = await factory.MemberAsync("Csv Admin", "Admin");
        using var author = await factory.MemberAsync("Csv Author");
        var category = await Forum.CategoryAsync(admin);
        await Forum.ThreadAsync(author, category.Id, "Formula thread", "Body");
        await factory.FoldAsync();
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        var url = $"/api/admin/insights/posts?from={today.AddDays(-6):yyyy-MM-dd}&to={today:yyyy-MM-dd}&category={category.Id}";
        var response = await admin.GetAsync(url + "&format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"insights-posts-{today.AddDays(-6):yyyy-MM-dd}-to-{today:yyyy-MM-dd}.csv",
            response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("period,date,Posts,Threads", lines[0]);
        Assert.Equal(15, lines.Length);
        Assert.Equal($"current,{today:yyyy-MM-dd},1,1", lines[7]);
        Assert.StartsWith($"previous,{today.AddDays(-13):yyyy-MM-dd},0,0", lines[8]);

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/csv");
        var byAccept = await admin.Http.SendAsync(request);
        Assert.Equal("text/csv", byAccept.Content.Headers.ContentType!.MediaType);

        var chart = new Community.Web.Features.Insights.InsightChart("x", "X", "n", "s", [], [], new Dictionary<string, double>(),
            new Dictionary<string, double>(), new Community.Web.Features.Insights.InsightTable(["Campaign", "Clicks"], [["=HYPERLINK(1)", "3"]]));
        var csv = Community.Web.Features.Insights.ReadInsightCsv.Write(chart,
            new Community.Web.Features.Insights.InsightQuery(today, today, null, null, null));
        Assert.Contains("'=HYPERLINK(1),3", csv);
    }
}
