using System.Text.Json;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.Knowledge;

/// <summary>The knowledge base, unified search and similar questions while typing, in Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KnowledgeJourneyTests(BrowserFixture browser)
{
    private sealed record Arranged(ApiClient Admin, string CategorySlug, string SolvedUrl, string ArticleUrl, string Word);

    /// <summary>A Q&amp;A category with a solved thread and an open one, and a published article, all about one made-up product word.</summary>
    private async Task<Arranged> ArrangeAsync()
    {
        var word = "zorbix" + Guid.NewGuid().ToString("N")[..4];
        var admin = browser.Server.CreateHttpApiClient();
        var me = await admin.JoinAsync("KB Arranger");
        await browser.Server.GrantRolesAsync(me.Id, "Admin");
        await admin.SignInAsync(me.Email);
        var slug = "qa-" + Guid.NewGuid().ToString("N")[..10];
        var category = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync("/api/categories",
            new { name = "Questions " + slug[3..7], slug, description = "Ask away", isQa = true }), HttpStatusCode.Created);
        var categoryId = category.GetProperty("id").GetInt32();
        async Task<JsonElement> Thread(string title) => (await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync("/api/threads",
            new { categoryId, title, body = "The details of my question." }), HttpStatusCode.Created)).GetProperty("thread");
        var solved = await Thread($"Export {word} invoices as CSV");
        var reply = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync($"/api/threads/{solved.GetProperty("id").GetInt64()}/posts",
            new { body = "Open Billing and choose **Export all**." }), HttpStatusCode.Created);
        await admin.PostAsync($"/api/threads/{solved.GetProperty("id").GetInt64()}/accept", new { seq = reply.GetProperty("seq").GetInt32() });
        await Thread($"{word} invoices export is slow");
        var section = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync("/api/kb/sections",
            new { title = "Billing " + word[^4..], slug = "billing-" + word }), HttpStatusCode.Created);
        var article = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync("/api/kb/articles", new
        {
            sectionId = section.GetProperty("id").GetInt32(), title = $"Exporting {word} invoices", summary = "Every way to get your invoices out.",
            body = "Go to **Billing** and pick a format.\n\n:::tip\nCSV opens in any spreadsheet.\n:::\n\n| Format | Best for |\n| --- | --- |\n"
                + "| CSV | spreadsheets |\n| PDF | accountants |\n",
        }), HttpStatusCode.Created);
        var articleId = article.GetProperty("id").GetInt32();
        var published = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync($"/api/kb/articles/{articleId}/publish"));
        return new Arranged(admin, slug, solved.GetProperty("url").GetString()!, published.GetProperty("url").GetString()!, word);
    }

    private static async Task<int> DeflectionsAsync(ApiClient admin) =>
        (await ApiClient.ReadAsync<JsonElement>(await admin.GetAsync("/api/kb/stats"))).GetProperty("deflections").GetInt32();

    /// <summary>The new-thread title, once the category page has loaded its threads and signed-in header (typing earlier loses keys).</summary>
    private static async Task<ILocator> ComposerTitleAsync(IPage page)
    {
        await Assertions.Expect(page.GetByTestId("me")).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("#threads")).Not.ToHaveAttributeAsync("aria-busy", "true");
        var title = page.GetByLabel("Title");
        await title.ClickAsync();
        return title;
    }

    [Fact]
    public async Task A_member_typing_a_question_sees_similar_answers_opens_one_and_leaving_counts_a_deflection()
    {
        var arranged = await ArrangeAsync();
        using var admin = arranged.Admin;
        var before = await DeflectionsAsync(admin);
        var (page, _) = await browser.SignedInAsync("Typing Member");
        await page.GotoAsync($"/c/{arranged.CategorySlug}");
        var title = await ComposerTitleAsync(page);
        await title.PressSequentiallyAsync($"How can I export {arranged.Word} invoices", new() { Delay = 20 });

        var panel = page.Locator("[data-similar]");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        var links = panel.GetByRole(AriaRole.Link);
        await Assertions.Expect(links).ToHaveCountAsync(3);
        await Assertions.Expect(links.Nth(0)).ToHaveAttributeAsync("data-similar-kind", "solved");
        await Assertions.Expect(links.Nth(1)).ToHaveAttributeAsync("data-similar-kind", "article");
        await Assertions.Expect(links.Nth(2)).ToHaveAttributeAsync("data-similar-kind", "thread");
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "similar question" }))
            .ToHaveTextAsync("3 similar questions found");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("kb-composer-suggestions-desktop");

        var opened = await page.Context.RunAndWaitForPageAsync(() => links.Nth(0).ClickAsync());
        await opened.WaitForLoadStateAsync();
        Assert.EndsWith(arranged.SolvedUrl, opened.Url);
        await Assertions.Expect(opened.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("invoices as CSV");
        await opened.CloseAsync();

        // The member found the answer and leaves the composer without posting: one deflection.
        await page.GotoAsync("/forums");
        var after = await Eventually.ValueAsync(() => DeflectionsAsync(admin), n => n > before);
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task My_question_is_different_hides_the_suggestions_and_suggestions_fit_a_phone()
    {
        var arranged = await ArrangeAsync();
        using var admin = arranged.Admin;
        var (page, _) = await browser.SignedInAsync("Phone Member", 375, 812);
        await page.GotoAsync($"/c/{arranged.CategorySlug}");
        await (await ComposerTitleAsync(page)).PressSequentiallyAsync($"Why is {arranged.Word} invoices export slow", new() { Delay = 20 });
        var panel = page.Locator("[data-similar]");
        await Assertions.Expect(panel.GetByRole(AriaRole.Link).First).ToBeVisibleAsync();
        Assert.Empty(await page.LayoutProblemsAsync());
        await panel.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync("kb-composer-suggestions-phone");
        await panel.GetByRole(AriaRole.Button, new() { Name = "My question is different" }).ClickAsync();
        await Assertions.Expect(panel).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByLabel("Post")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task A_member_searches_once_and_sees_articles_and_threads_labelled_by_kind()
    {
        var arranged = await ArrangeAsync();
        using var admin = arranged.Admin;
        var (page, _) = await browser.SignedInAsync("Searching Member");
        await page.GotoAsync("/kb");
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search articles, threads and stories" }).FillAsync(arranged.Word + " invoices");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/search\?q="));
        var results = page.Locator("#find-list li");
        await Assertions.Expect(results.First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#find-title")).ToContainTextAsync("1 article, 2 threads");
        await Assertions.Expect(results.Nth(0).Locator(".kind")).ToHaveTextAsync("Article");
        await Assertions.Expect(results.Nth(1).Locator(".kind")).ToHaveTextAsync("Thread");
        await Assertions.Expect(results.Nth(0).GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", arranged.ArticleUrl);
        await page.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Radio, new() { Name = "Threads" }).CheckAsync();
        await Assertions.Expect(page.Locator("#find-title")).ToContainTextAsync("2 threads");
        await Assertions.Expect(page.Locator("#find-list li .kind")).ToHaveTextAsync(["Thread", "Thread"]);
    }

    [Fact]
    public async Task The_knowledge_base_and_an_article_are_accessible_on_desktop_and_phone_and_take_feedback()
    {
        var arranged = await ArrangeAsync();
        using var admin = arranged.Admin;
        foreach (var (width, height, name) in new[] { (1280, 900, "desktop"), (375, 812, "phone") })
        {
            var page = await browser.NewPersonAsync(width, height);
            await page.GotoAsync("/kb");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Knowledge base");
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Exporting {arranged.Word} invoices" })).ToBeVisibleAsync();
            await page.AssertAccessibleAsync();
            Assert.Empty(await page.LayoutProblemsAsync());

            await page.GotoAsync(arranged.ArticleUrl);
            await Assertions.Expect(page.Locator(".callout.tip")).ToContainTextAsync("CSV opens in any spreadsheet");
            await page.AssertAccessibleAsync();
            Assert.Empty(await page.LayoutProblemsAsync());
            await page.ScreenshotAsync($"kb-article-{name}");
            await page.GetByLabel("Anything we should add? (optional)").FillAsync("A screenshot would help");
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes" }).ClickAsync();
            await Assertions.Expect(page.Locator("#kb-feedback .form-status")).ToContainTextAsync("Glad it helped");
            await page.Context.CloseAsync();
        }
        var rows = await ApiClient.ReadAsync<JsonElement>(await admin.GetAsync("/api/kb/articles"));
        var row = rows.EnumerateArray().Single(r => r.GetProperty("url").GetString() == arranged.ArticleUrl);
        Assert.Equal(2, row.GetProperty("helpful").GetInt32());
    }

    [Fact]
    public async Task Staff_write_and_publish_an_article_from_the_staff_menu()
    {
        var (page, _) = await browser.SignedInAsync("Kim Moderator", roles: "Moderator");
        await page.GetByRole(AriaRole.Button, new() { Name = "Staff" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Knowledge base" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Knowledge base");
        await page.AssertAccessibleAsync();
        var section = "Accounts " + Guid.NewGuid().ToString("N")[..4];
        await page.Locator("#ks-title").FillAsync(section);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add section" }).ClickAsync();
        await Assertions.Expect(page.Locator("#kb-section-form .form-status")).ToContainTextAsync("Section added");
        await page.GetByRole(AriaRole.Button, new() { Name = "New article" }).ClickAsync();
        await page.Locator("#kb-section").SelectOptionAsync(new SelectOptionValue { Label = section });
        var title = "Change your email " + Guid.NewGuid().ToString("N")[..4];
        await page.Locator("#kb-title").FillAsync(title);
        await page.Locator("#kb-body").FillAsync("Open **Settings**.\n\n:::warning\nYou will confirm the new address.\n:::");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Assertions.Expect(page.Locator("#kb-article-form .form-status")).ToContainTextAsync("Saved");
        await Assertions.Expect(page.Locator("#kb-revisions li")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await Assertions.Expect(page.Locator("#kb-article-form .form-status")).ToContainTextAsync("Published");
        var view = page.GetByRole(AriaRole.Link, new() { Name = "View" });
        await Assertions.Expect(view).ToBeVisibleAsync();
        await view.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(title);
        await Assertions.Expect(page.Locator(".callout.warning")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_moderator_turns_a_solved_thread_into_a_draft_article_from_the_thread()
    {
        var arranged = await ArrangeAsync();
        using var admin = arranged.Admin;
        var (page, _) = await browser.SignedInAsync("Pat Moderator", roles: "Moderator");
        await page.GotoAsync(arranged.SolvedUrl);
        await page.GetByRole(AriaRole.Button, new() { Name = "Make a KB article" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/kb/manage\?promote=\d+"));
        await Assertions.Expect(page.GetByLabel("Thread link or number")).Not.ToBeEmptyAsync();
        await page.GetByLabel("Section", new() { Exact = true }).Last.SelectOptionAsync(new SelectOptionValue { Index = 0 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Create draft from thread" }).ClickAsync();
        await Assertions.Expect(page.Locator("#kb-editor-title")).ToContainTextAsync("invoices as CSV");
        await Assertions.Expect(page.Locator("#kb-body")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Export all"));
        await Assertions.Expect(page.Locator("#kb-editor-state")).ToContainTextAsync("Draft");
    }
}
