using System.Text.Json;
using AngleSharp.Html.Parser;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Knowledge;

/// <summary>Articles: staff write them, drafts stay private, every save is a revision, old slugs answer 301, pages are indexable.</summary>
public sealed class KnowledgeBaseTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    public static TheoryData<string, string> StaffActions => new()
    {
        { "GET", "/api/kb/articles" },
        { "GET", "/api/kb/articles/1" },
        { "POST", "/api/kb/articles" },
        { "PUT", "/api/kb/articles/1" },
        { "DELETE", "/api/kb/articles/1" },
        { "POST", "/api/kb/articles/1/publish" },
        { "POST", "/api/kb/articles/1/unpublish" },
        { "GET", "/api/kb/articles/1/revisions" },
        { "POST", "/api/kb/sections" },
        { "GET", "/api/kb/stats" },
    };

    [Theory]
    [MemberData(nameof(StaffActions))]
    public async Task Staff_actions_refuse_visitors_with_401_and_members_with_403(string method, string url)
    {
        using var anonymous = factory.CreateApiClient();
        using var member = await factory.MemberAsync("Plain Reader");
        HttpContent? Body() => method is "POST" or "PUT" ? JsonContent.Create(new { title = "Sneaky", sectionId = 1, body = "x" }) : null;
        await ApiClient.ProblemAsync(await anonymous.SendAsync(new HttpMethod(method), url, Body()), HttpStatusCode.Unauthorized);
        await ApiClient.ProblemAsync(await member.SendAsync(new HttpMethod(method), url, Body()), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Moderators_marketing_and_admins_may_write_and_the_staff_page_refuses_members()
    {
        foreach (var role in new[] { "Moderator", "Marketing", "Admin" })
        {
            using var staff = await factory.MemberAsync("Writer " + role, role);
            var section = await Kb.SectionAsync(staff);
            await Kb.DraftAsync(staff, section.Id, "Written by " + role);
            Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/kb/manage")).StatusCode);
        }
        using var member = await factory.MemberAsync("Not Staff");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/kb/manage")).StatusCode);
        using var visitor = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.GetAsync("/kb/manage")).StatusCode);
    }

    [Fact]
    public async Task A_draft_is_invisible_to_everyone_but_staff_until_published_then_indexable()
    {
        using var staff = await factory.MemberAsync("KB Editor", "Marketing");
        using var member = await factory.MemberAsync("KB Reader");
        using var visitor = factory.CreateApiClient();
        var section = await Kb.SectionAsync(staff, "Getting started");
        var draft = await Kb.DraftAsync(staff, section.Id, "Export your data to CSV", "Go to **Settings**.\n\n:::tip\nIt is fast.\n:::",
            Kb.Unique("export-csv"), "How to export every record.");
        Assert.Equal("draft", draft.Status);

        foreach (var outsider in new[] { member, visitor })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(draft.Url)).StatusCode);
            Assert.DoesNotContain(draft.Slug, await (await outsider.GetAsync("/kb")).Content.ReadAsStringAsync());
        }
        Assert.DoesNotContain(draft.Slug, await (await visitor.GetAsync("/sitemap.xml")).Content.ReadAsStringAsync());

        await Kb.PublishAsync(staff, draft.Id);
        var page = await visitor.GetAsync(draft.Url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var doc = new HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync());
        Assert.Equal("Export your data to CSV", doc.QuerySelector("h1")!.TextContent);
        Assert.NotNull(doc.QuerySelector(".callout.tip"));
        Assert.Equal("Export your data to CSV", doc.QuerySelector("meta[property='og:title']")!.GetAttribute("content"));
        Assert.EndsWith(draft.Url, doc.QuerySelector("meta[property='og:url']")!.GetAttribute("content"));
        var ld = JsonDocument.Parse(doc.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        Assert.Equal("TechArticle", ld.GetProperty("@type").GetString());
        Assert.Contains(draft.Url, await (await visitor.GetAsync("/kb")).Content.ReadAsStringAsync());
        Assert.Contains(draft.Url, await (await visitor.GetAsync($"/kb/{section.Slug}")).Content.ReadAsStringAsync());
        Assert.Contains(draft.Url, await (await visitor.GetAsync("/sitemap.xml")).Content.ReadAsStringAsync());

        await ApiClient.ReadAsync<ArticleView>(await staff.PostAsync($"/api/kb/articles/{draft.Id}/unpublish"));
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(draft.Url)).StatusCode);
    }

    [Fact]
    public async Task Every_save_keeps_a_revision_and_the_cached_page_shows_the_change_at_once()
    {
        using var staff = await factory.MemberAsync("Reviser", "Moderator");
        using var visitor = factory.CreateApiClient();
        var section = await Kb.SectionAsync(staff);
        var article = await Kb.PublishedAsync(staff, section.Id, "Reset a password", "First wording.");
        Assert.Contains("First wording.", await (await visitor.GetAsync(article.Url)).Content.ReadAsStringAsync());

        for (var i = 2; i <= 3; i++)
        {
            await ApiClient.ReadAsync<ArticleView>(await staff.PutAsync($"/api/kb/articles/{article.Id}",
                new { sectionId = section.Id, title = $"Reset a password (v{i})", summary = "s", body = $"Wording number {i}." }));
        }
        var revisions = await ApiClient.ReadAsync<List<KbRevisionView>>(await staff.GetAsync($"/api/kb/articles/{article.Id}/revisions"));
        Assert.Equal([3, 2, 1], revisions.Select(r => r.Number));
        Assert.Equal("Reset a password (v3)", revisions[0].Title);
        Assert.Equal("Reviser", revisions[0].AuthorName);
        var html = await (await visitor.GetAsync(article.Url)).Content.ReadAsStringAsync();
        Assert.Contains("Wording number 3.", html);
        Assert.DoesNotContain("First wording.", html);
    }

    [Fact]
    public async Task A_renamed_or_moved_article_answers_301_from_its_old_address()
    {
        using var staff = await factory.MemberAsync("Renamer", "Admin");
        using var visitor = factory.CreateApiClient();
        var first = await Kb.SectionAsync(staff);
        var second = await Kb.SectionAsync(staff);
        var article = await Kb.PublishedAsync(staff, first.Id, "Invite your team");
        var newSlug = Kb.Unique("invite-teammates");
        var moved = await ApiClient.ReadAsync<ArticleView>(await staff.PutAsync($"/api/kb/articles/{article.Id}",
            new { sectionId = second.Id, slug = newSlug, title = "Invite your team", body = "Moved." }));
        Assert.Equal($"/kb/{second.Slug}/{newSlug}", moved.Url);
        Assert.Contains(article.Slug, moved.RedirectFrom);

        var old = await visitor.GetAsync(article.Url);
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal(moved.Url, old.Headers.Location!.OriginalString);
        var wrongSection = await visitor.GetAsync($"/kb/{first.Slug}/{newSlug}");
        Assert.Equal(HttpStatusCode.MovedPermanently, wrongSection.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(moved.Url)).StatusCode);

        // The old slug stays reserved for the article that had it.
        var taken = await staff.PostAsync("/api/kb/articles", new { sectionId = first.Id, slug = article.Slug, title = "Clash", body = "x" });
        await ApiClient.ProblemAsync(taken, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Huge_or_deeply_nested_markdown_is_refused_with_400_on_the_body_field()
    {
        using var staff = await factory.MemberAsync("Limits", "Marketing");
        var section = await Kb.SectionAsync(staff);
        var huge = new string('a', 64 * 1024 + 1);
        var nested = new string('>', 5000) + " deep";
        foreach (var body in new[] { huge, nested })
        {
            var problem = await ApiClient.ProblemAsync(await staff.PostAsync("/api/kb/articles",
                new { sectionId = section.Id, title = "Too much", body }), HttpStatusCode.BadRequest);
            Assert.True(problem.Errors!.ContainsKey("body"));
        }
        var draft = await Kb.DraftAsync(staff, section.Id, "Fine");
        var onSave = await ApiClient.ProblemAsync(await staff.PutAsync($"/api/kb/articles/{draft.Id}",
            new { sectionId = section.Id, title = "Fine", body = nested }), HttpStatusCode.BadRequest);
        Assert.True(onSave.Errors!.ContainsKey("body"));
    }
}
