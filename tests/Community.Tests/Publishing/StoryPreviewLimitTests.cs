using System.Text.Json;
using AngleSharp.Html.Parser;
using Community.Tests.Infrastructure;

namespace Community.Tests.Publishing;

/// <summary>Issue #9, item 12: the preview is linear in its input and refuses oversized text like posts do. Timings live in bench/.</summary>
public sealed class StoryPreviewLimitTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Fact]
    public async Task Thirty_thousand_identical_headings_preview_with_distinct_ids()
    {
        using var marketer = await factory.MemberAsync("Heading Marketer", "Marketing");
        // 30,000 empty headings all want the id "section": numbering them by probing -1, -2, ... took minutes.
        var body = string.Concat(Enumerable.Repeat("#\n", 30_000));
        // The time is the bench's to judge: bench/ PublishingScenario, "editor preview, 11,000 identical `######` headings",
        // target ≤ 500 ms (10.7 s while ids were numbered by probing). Here: every id is right and distinct.
        var response = await marketer.PostAsync("/api/stories/preview", new { kind = "spotlight", title = "T", customer = "C", body });
        var html = (await ApiClient.ReadAsync<JsonElement>(response)).GetProperty("html").GetString()!;

        var headings = new HtmlParser().ParseDocument(html).QuerySelectorAll("h1[id^='section']").Select(h => h.Id!).ToList();
        Assert.Equal(30_000, headings.Count);
        Assert.Equal(headings.Count, headings.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["section", "section-1", "section-2"], headings.Take(3));
    }

    [Fact]
    public async Task Repeated_and_numbered_headings_keep_distinct_ids()
    {
        using var marketer = await factory.MemberAsync("Ids Marketer", "Marketing");
        var body = "## Results\n\n## Results\n\n## Results 1\n\n## Results\n";
        var response = await marketer.PostAsync("/api/stories/preview", new { kind = "spotlight", title = "T", customer = "C", body });
        var html = (await ApiClient.ReadAsync<JsonElement>(response)).GetProperty("html").GetString()!;
        var ids = new HtmlParser().ParseDocument(html).QuerySelectorAll("h2[id^='results']").Select(h => h.Id).ToList();
        Assert.Equal(["results", "results-1", "results-1-1", "results-2"], ids);
    }

    [Theory]
    [InlineData("body", 100_001)]
    [InlineData("challenge", 20_001)]
    public async Task Oversized_preview_text_is_a_413_problem_naming_the_field(string field, int length)
    {
        using var marketer = await factory.MemberAsync("Big Marketer", "Marketing");
        var input = new Dictionary<string, object?> { ["kind"] = "case-study", ["title"] = "T", ["customer"] = "C", [field] = new string('#', length) };
        var problem = await ApiClient.ProblemAsync(await marketer.PostAsync("/api/stories/preview", input), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(field, problem.Errors!.Keys);
    }

    [Fact]
    public async Task Too_deeply_nested_preview_text_is_a_400_problem()
    {
        using var marketer = await factory.MemberAsync("Deep Marketer", "Marketing");
        var body = new string('>', 5000) + " deep";
        var problem = await ApiClient.ProblemAsync(await marketer.PostAsync("/api/stories/preview", new { kind = "spotlight", title = "T", customer = "C", body }),
            HttpStatusCode.BadRequest);
        Assert.Contains("body", problem.Errors!.Keys);
    }
}
