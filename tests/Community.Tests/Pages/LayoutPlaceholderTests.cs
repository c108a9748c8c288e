using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Pages;

/// <summary>Issue #9, item 10: layout slots are filled from the template only; user text that looks like a slot stays text.</summary>
public sealed class LayoutPlaceholderTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private const string Slots = "{{body}} {{head}} {{scripts}} {{title}} {{asset:css/site.css}}";

    [Fact]
    public async Task Placeholders_in_a_thread_title_and_first_post_are_shown_not_expanded()
    {
        using var admin = await factory.MemberAsync("Slot Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var title = "Why " + Slots;
        var thread = await Forum.ThreadAsync(admin, category.Id, title, "First post: " + Slots + "\n\n{{asset:js/layout.js}}");

        var doc = await PageAsync(admin, thread.Thread.Url);
        AssertLayoutOnce(doc);
        Assert.Equal(title, doc.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal(title, doc.QuerySelector("meta[property='og:title']")!.GetAttribute("content"));
        Assert.Contains("{{asset:js/layout.js}}", doc.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Placeholders_in_a_story_leave_its_json_ld_parseable()
    {
        using var marketer = await factory.MemberAsync("Slot Marketer", "Marketing");
        var title = "Acme " + Slots;
        var slug = $"slots-{Guid.NewGuid():N}"[..14];
        var created = await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync("/api/stories", new
        {
            kind = "spotlight", slug, title, customer = "Acme {{head}}", summary = "Summary " + Slots, body = "Body " + Slots,
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await marketer.PostAsync($"/api/stories/{id}/publish", new { })).StatusCode);

        var doc = await PageAsync(marketer, $"/spotlights/{slug}");
        AssertLayoutOnce(doc);
        var ld = JsonDocument.Parse(doc.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        Assert.Equal(title, ld.GetProperty("headline").GetString());
        Assert.Equal("Summary " + Slots, ld.GetProperty("description").GetString());
        Assert.Equal(title, doc.QuerySelector("meta[property='og:title']")!.GetAttribute("content"));
        Assert.Equal(title + " · Community", doc.Title);
    }

    private static async Task<IHtmlDocument> PageAsync(ApiClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    /// <summary>One header, one main, the layout's own scripts and stylesheet once each: nothing was pasted in twice.</summary>
    private static void AssertLayoutOnce(IHtmlDocument doc)
    {
        Assert.Single(doc.QuerySelectorAll("main"));
        Assert.Single(doc.QuerySelectorAll("header.site-header"));
        Assert.Single(doc.QuerySelectorAll("link[rel=stylesheet]"));
        var scripts = doc.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")).ToList();
        Assert.Equal(scripts.Distinct().Count(), scripts.Count);
    }
}
