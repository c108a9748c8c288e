using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Markdown;

namespace Community.Tests.Forums;

/// <summary>Posting rules: sequence numbers, validation, Markdown safety, pages and search.</summary>
public sealed class ForumContentTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    [Fact]
    public async Task Sequence_numbers_stay_gapless_under_concurrent_replies()
    {
        using var admin = await factory.MemberAsync("Admin Seq", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id);
        var members = new List<ApiClient>();
        for (var i = 0; i < 5; i++) members.Add(await factory.MemberAsync($"Racer {i}"));

        var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Forum.ReplyAsync(members[i % members.Count], created.Thread.Id, $"reply {i}")));

        Assert.Equal(Enumerable.Range(2, 40), replies.Select(r => r.Seq).Order());
        var window = await Forum.WindowAsync(admin, created.Thread.Id);
        Assert.Equal(Enumerable.Range(1, 41), window.Posts.Select(p => p.Seq));
        Assert.Equal(41, window.LastSeq);
        Assert.Equal(41, window.Posts.Select(p => p.Id).Distinct().Count());
        foreach (var m in members) m.Dispose();
    }

    [Fact]
    public async Task Windows_page_by_sequence_number_and_catch_up_after_a_given_seq()
    {
        using var admin = await factory.MemberAsync("Admin Window", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id);
        for (var i = 0; i < 12; i++) await Forum.ReplyAsync(admin, created.Thread.Id, $"reply {i}");
        using var anonymous = factory.CreateApiClient();

        var first = await Forum.WindowAsync(anonymous, created.Thread.Id, 0, 5);
        Assert.Equal([1, 2, 3, 4, 5], first.Posts.Select(p => p.Seq));
        Assert.True(first.HasMoreAfter);
        Assert.False(first.HasMoreBefore);
        var catchUp = await Forum.WindowAsync(anonymous, created.Thread.Id, 10, 50);
        Assert.Equal([11, 12, 13], catchUp.Posts.Select(p => p.Seq));
        Assert.False(catchUp.HasMoreAfter);
        var before = await ApiClient.ReadAsync<WindowView>(await anonymous.GetAsync($"/api/threads/{created.Thread.Id}/posts?before=6&limit=3"));
        Assert.Equal([3, 4, 5], before.Posts.Select(p => p.Seq));

        // The cached window is rebuilt after a write.
        await Forum.ReplyAsync(admin, created.Thread.Id, "late reply");
        var again = await Forum.WindowAsync(anonymous, created.Thread.Id, 10, 50);
        Assert.Equal([11, 12, 13, 14], again.Posts.Select(p => p.Seq));
    }

    [Fact]
    public async Task Bad_input_gets_clear_errors_and_nothing_is_saved()
    {
        using var admin = await factory.MemberAsync("Admin Bad", "Admin");
        var category = await Forum.CategoryAsync(admin);

        var noTitle = await ApiClient.ProblemAsync(await admin.PostAsync("/api/threads", new { categoryId = category.Id, title = "ab", body = "" }), HttpStatusCode.BadRequest);
        Assert.Contains("title", noTitle.Errors!.Keys);
        Assert.Contains("body", noTitle.Errors!.Keys);
        var longTitle = await ApiClient.ProblemAsync(await admin.PostAsync("/api/threads", new { categoryId = category.Id, title = new string('t', 201), body = "x" }), HttpStatusCode.BadRequest);
        Assert.Contains("title", longTitle.Errors!.Keys);

        var huge = new string('a', 64 * 1024 + 1);
        await ApiClient.ProblemAsync(await admin.PostAsync("/api/threads", new { categoryId = category.Id, title = "Huge post", body = huge }), HttpStatusCode.RequestEntityTooLarge);
        var deep = new string('>', 200) + " deep";
        await ApiClient.ProblemAsync(await admin.PostAsync("/api/threads", new { categoryId = category.Id, title = "Deep post", body = deep }), HttpStatusCode.BadRequest);
        await ApiClient.ProblemAsync(await admin.PostAsync("/api/threads", new { categoryId = 999999, title = "Nowhere", body = "x" }), HttpStatusCode.NotFound);
        await ApiClient.ProblemAsync(await admin.PostAsync("/api/threads/999999/posts", new { body = "x" }), HttpStatusCode.NotFound);

        var categories = await ApiClient.ReadAsync<List<CategoryView>>(await admin.GetAsync("/api/categories"));
        Assert.Equal(0, categories.Single(c => c.Id == category.Id).ThreadCount);
        var threads = await ApiClient.ReadAsync<List<JsonElement>>(await admin.GetAsync($"/api/categories/{category.Slug}/threads"));
        Assert.Empty(threads);
    }

    [Fact]
    public async Task Xss_vectors_render_inert()
    {
        using var admin = await factory.MemberAsync("Admin Xss", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var body = string.Join("\n\n",
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[a](javascript:alert(1))",
            "[b](JaVaScRiPt:alert(1))",
            "[c](javascript&#58;alert(1))",
            "[d](&#x6A;avascript:alert(1))",
            "[e](java\tscript:alert(1))",
            "<javascript:alert(1)>",
            "[f](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[g](vbscript:msgbox(1))",
            "![h](javascript:alert(1))",
            "![i](http://tracker.example/pixel.png)",
            "[j][ref]\n\n[ref]: javascript:alert(1)",
            "[ok](https://example.com/docs)");
        var created = await Forum.ThreadAsync(admin, category.Id, "Tricky markdown", body);
        var html = created.Post.Html;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=\"x\"", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror=", html.Replace("&lt;img src=x onerror=alert(1)&gt;", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        foreach (var a in doc.QuerySelectorAll("a"))
        {
            var href = a.GetAttribute("href") ?? "";
            Assert.Matches("^(https?:|mailto:|/|#)", href);
            Assert.Equal("nofollow ugc noopener", a.GetAttribute("rel"));
        }
        Assert.Single(doc.QuerySelectorAll("a"));
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Empty(doc.QuerySelectorAll("[onerror], [onclick], script, iframe"));
    }

    [Fact]
    public void Renderer_allows_safe_urls_and_images_only_from_media_or_https()
    {
        var html = MarkdownRenderer.Render("![a](/media/ab/cd.webp) ![b](https://cdn.example/x.png) [rel](../docs) [anchor](#top) [mail](mailto:a@b.c)\n\n| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\n```js\nlet x = '<b>';\n```");
        Assert.Contains("src=\"/media/ab/cd.webp\"", html, StringComparison.Ordinal);
        Assert.Contains("src=\"https://cdn.example/x.png\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"../docs\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#top\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:a@b.c\"", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
        Assert.Contains("<del>2</del>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mentions_link_to_the_profile_and_notify_the_member()
    {
        using var admin = await factory.MemberAsync("Admin Mention", "Admin");
        using var ana = await factory.MemberAsync("Mentioned Ana");
        var category = await Forum.CategoryAsync(admin);
        var handle = ana.Current!.UserName;
        var created = await Forum.ThreadAsync(admin, category.Id, "Hello mention", $"Thanks @{handle} and @nobody_here_xyz! `@{handle}` in code stays code.");
        Assert.Contains($"<a href=\"/u/{handle}\"", created.Post.Html, StringComparison.Ordinal);
        Assert.Contains($"<code>@{handle}</code>", created.Post.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("/u/nobody_here_xyz", created.Post.Html, StringComparison.Ordinal);
        var notes = await ApiClient.ReadAsync<JsonElement>(await ana.GetAsync("/api/notifications"));
        Assert.Equal(1, notes.GetProperty("unread").GetInt32());
        Assert.Contains("mentioned you", notes.GetProperty("items")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await ana.PostAsync("/api/notifications/read", new { })).StatusCode);
        notes = await ApiClient.ReadAsync<JsonElement>(await ana.GetAsync("/api/notifications"));
        Assert.Equal(0, notes.GetProperty("unread").GetInt32());
    }

    [Fact]
    public async Task Thread_page_carries_opengraph_tags_canonical_url_and_the_first_post()
    {
        using var admin = await factory.MemberAsync("Admin Page", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id, "Exports & \"quotes\" <b>", "The **first** post explains exports.");
        using var anonymous = factory.CreateApiClient();
        var response = await anonymous.GetAsync($"/t/{created.Thread.Id}/{created.Thread.Slug}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Equal("Exports & \"quotes\" <b>", doc.QuerySelector("meta[property='og:title']")!.GetAttribute("content"));
        Assert.Contains("first post explains exports", doc.QuerySelector("meta[property='og:description']")!.GetAttribute("content"), StringComparison.Ordinal);
        Assert.EndsWith($"/t/{created.Thread.Id}/{created.Thread.Slug}", doc.QuerySelector("link[rel='canonical']")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("Exports & \"quotes\" <b>", doc.QuerySelector("h1")!.TextContent);
        Assert.Contains("<strong>first</strong>", doc.QuerySelector("#p1")!.InnerHtml, StringComparison.Ordinal);

        var etag = response.Headers.ETag!.Tag;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/t/{created.Thread.Id}/{created.Thread.Slug}");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.Http.SendAsync(conditional)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/t/99999999/nothing")).StatusCode);
    }

    [Fact]
    public async Task Search_finds_titles_and_posts_with_highlighted_snippets()
    {
        using var admin = await factory.MemberAsync("Admin Search", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var word = "quokka" + Guid.NewGuid().ToString("N")[..6];
        var created = await Forum.ThreadAsync(admin, category.Id, $"About {word} exports", "Nothing here");
        await Forum.ReplyAsync(admin, created.Thread.Id, $"The <{word}> trick is <b>bold</b>");
        using var anonymous = factory.CreateApiClient();
        var hits = await ApiClient.ReadAsync<List<HitView>>(await anonymous.GetAsync($"/api/search?q={word}"));
        Assert.Equal(2, hits.Count);
        var reply = hits.Single(h => h.Seq == 2);
        Assert.Contains($"<mark>{word}</mark>", reply.Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", reply.Snippet, StringComparison.Ordinal);
        Assert.Contains("<mark>", hits.Single(h => h.Seq == 1).Title, StringComparison.Ordinal);
        await ApiClient.ProblemAsync(await anonymous.GetAsync("/api/search?q="), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unread_counts_follow_the_read_watermark()
    {
        using var admin = await factory.MemberAsync("Admin Unread", "Admin");
        using var reader = await factory.MemberAsync("Reader Unread");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id);
        await Forum.ReplyAsync(admin, created.Thread.Id);
        var cats = await ApiClient.ReadAsync<List<CategoryView>>(await reader.GetAsync("/api/categories"));
        Assert.Equal(1, cats.Single(c => c.Id == category.Id).Unread);
        Assert.Equal(HttpStatusCode.NoContent, (await reader.PutAsync($"/api/threads/{created.Thread.Id}/read", new { seq = 2 })).StatusCode);
        cats = await ApiClient.ReadAsync<List<CategoryView>>(await reader.GetAsync("/api/categories"));
        Assert.Equal(0, cats.Single(c => c.Id == category.Id).Unread);
        await Forum.ReplyAsync(admin, created.Thread.Id);
        var threads = await ApiClient.ReadAsync<List<JsonElement>>(await reader.GetAsync($"/api/categories/{category.Slug}/threads"));
        Assert.Equal(1, threads.Single().GetProperty("unread").GetInt32());
        var me = await ApiClient.ReadAsync<JsonElement>(await reader.GetAsync($"/api/threads/{created.Thread.Id}/me"));
        Assert.Equal(2, me.GetProperty("lastReadSeq").GetInt32());
    }

    [Fact]
    public async Task Sitemap_lists_public_threads_and_never_private_ones()
    {
        using var admin = await factory.MemberAsync("Admin Sitemap", "Admin");
        var open = await Forum.CategoryAsync(admin);
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var visible = await Forum.ThreadAsync(admin, open.Id, "Public sitemap thread");
        var hidden = await Forum.ThreadAsync(admin, staff.Id, "Private sitemap thread");
        using var anonymous = factory.CreateApiClient();
        var xml = await (await anonymous.GetAsync("/sitemap.xml")).Content.ReadAsStringAsync();
        Assert.Contains(visible.Thread.Url, xml, StringComparison.Ordinal);
        Assert.Contains($"/c/{open.Slug}", xml, StringComparison.Ordinal);
        Assert.DoesNotContain(hidden.Thread.Url, xml, StringComparison.Ordinal);
        Assert.DoesNotContain($"/c/{staff.Slug}", xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activity_lists_latest_public_threads()
    {
        using var admin = await factory.MemberAsync("Admin Activity", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id, "Fresh activity thread");
        using var anonymous = factory.CreateApiClient();
        var items = await ApiClient.ReadAsync<List<JsonElement>>(await anonymous.GetAsync("/api/activity"));
        Assert.Contains(items, i => i.GetProperty("url").GetString() == created.Thread.Url && i.GetProperty("title").GetString() == "Fresh activity thread");
    }
}

public sealed class StrictForumFactory : CommunityFactory
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Forums:PostsPerMinute"] = "100",
        ["Forums:NewMemberPostsPerMinute"] = "3",
        ["Forums:FlagsPerHour"] = "1",
    };
}

public sealed class ForumRateLimitTests(StrictForumFactory factory) : IClassFixture<StrictForumFactory>
{
    [Fact]
    public async Task New_members_posting_too_fast_get_429_with_retry_after()
    {
        using var admin = await factory.MemberAsync("Admin Limit", "Admin");
        using var fresh = await factory.MemberAsync("Fresh Limit");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(fresh, category.Id);
        await Forum.ReplyAsync(fresh, created.Thread.Id);
        await Forum.ReplyAsync(fresh, created.Thread.Id);
        var limited = await fresh.PostAsync($"/api/threads/{created.Thread.Id}/posts", new { body = "one too many" });
        var problem = await ApiClient.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Contains("too fast", problem.Detail, StringComparison.Ordinal);
        var window = await Forum.WindowAsync(fresh, created.Thread.Id);
        Assert.Equal(3, window.LastSeq);
        // Members at trust level 1 and above get the normal limit: Recognition/TrustLevelTests.Posting_limit_follows_the_trust_level.
    }

    [Fact]
    public async Task Flagging_is_rate_limited_per_member()
    {
        using var admin = await factory.MemberAsync("Admin Flag", "Admin");
        using var flagger = await factory.MemberAsync("Flagger");
        var category = await Forum.CategoryAsync(admin);
        var one = await Forum.ThreadAsync(admin, category.Id, "Thread one");
        var two = await Forum.ThreadAsync(admin, category.Id, "Thread two");
        Assert.Equal(HttpStatusCode.Created, (await flagger.PostAsync($"/api/posts/{one.Post.Id}/flags", new { reason = "spam" })).StatusCode);
        var limited = await flagger.PostAsync($"/api/posts/{two.Post.Id}/flags", new { reason = "spam" });
        await ApiClient.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}
