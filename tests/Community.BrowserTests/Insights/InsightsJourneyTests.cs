using System.Text.Json;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Web.Features.Insights.Rollups;
using Microsoft.Extensions.DependencyInjection;

namespace Community.BrowserTests.Insights;

/// <summary>The insights dashboard in Chromium: staff find it in their menu, change the period, download a chart's CSV.</summary>
[Collection(BrowserCollection.Name)]
public sealed class InsightsJourneyTests(BrowserFixture browser)
{
    private async Task FoldAsync()
    {
        await using var scope = browser.Server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<InsightRollups>().FoldAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Staff_open_insights_change_the_range_and_download_a_csv()
    {
        var (admin, _, _, _) = await browser.CategoryWithThreadAsync("Insightful thread", "Counted in the posts chart.");
        admin.Dispose();
        await FoldAsync();
        var (page, _) = await browser.SignedInAsync("Insight Marketer", roles: "Marketing");
        await page.GetByRole(AriaRole.Button, new() { Name = "Staff" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Insights" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/insights$"));

        var posts = page.Locator("[data-insight=posts]");
        await Assertions.Expect(posts.GetByRole(AriaRole.Heading, new() { Name = "Posts and threads" })).ToBeVisibleAsync();
        await Assertions.Expect(posts.Locator(".insight-summary")).ToContainTextAsync("new thread");
        await Assertions.Expect(posts.Locator("canvas").First).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("#insights-status")).ToContainTextAsync("Showing");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("insights-desktop");

        await page.GetByLabel("7 days").CheckAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await Assertions.Expect(page.Locator("#insights-status")).ToHaveTextAsync($"Showing {today.AddDays(-6):yyyy-MM-dd} to {today:yyyy-MM-dd}.");

        await posts.GetByRole(AriaRole.Button, new() { Name = "Show the numbers" }).ClickAsync();
        await Assertions.Expect(posts.GetByRole(AriaRole.Table)).ToBeVisibleAsync();
        await Assertions.Expect(posts.GetByRole(AriaRole.Table).Locator("tbody tr")).ToHaveCountAsync(7);

        // A reversed custom period is refused next to its field, and the charts stay as they were.
        await page.GetByLabel("Custom").CheckAsync();
        await page.GetByLabel("From").FillAsync($"{today:yyyy-MM-dd}");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync($"{today.AddDays(-3):yyyy-MM-dd}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#insights-to-error")).ToHaveTextAsync("The end of the period must not be before its start.");
        await Assertions.Expect(page.Locator("#insights-status")).ToHaveTextAsync("Check the period.");

        var download = await page.RunAndWaitForDownloadAsync(() => posts.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
        Assert.Equal($"insights-posts-{today.AddDays(-6):yyyy-MM-dd}-to-{today:yyyy-MM-dd}.csv", download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync(await download.PathAsync())).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("period,date,Posts,Threads", lines[0]);
        Assert.Equal(15, lines.Length);
        var todayRow = lines.Single(l => l.StartsWith($"current,{today:yyyy-MM-dd},", StringComparison.Ordinal)).Split(',');
        Assert.True(int.Parse(todayRow[2], System.Globalization.CultureInfo.InvariantCulture) >= 1, lines[7]);
    }

    [Fact]
    public async Task Insights_fit_a_phone_and_members_get_a_403_page()
    {
        var (page, _) = await browser.SignedInAsync("Insight Moderator", 375, 800, "Moderator");
        await page.GotoAsync("/admin/insights");
        await Assertions.Expect(page.Locator("[data-insight=new-members] .insight-summary")).ToContainTextAsync("new member");
        await Assertions.Expect(page.Locator("[data-insight=referral-campaigns] table")).ToBeVisibleAsync();
        Assert.Empty(await page.LayoutProblemsAsync());
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("insights-phone");

        var (member, _) = await browser.SignedInAsync("Curious Member");
        var response = await member.GotoAsync("/admin/insights");
        Assert.Equal(403, response!.Status);
        Assert.DoesNotContain(browser.ConsoleErrors, e => e.Contains("/admin/insights", StringComparison.Ordinal) && e.Contains("Content Security",
            StringComparison.Ordinal));
    }
}
