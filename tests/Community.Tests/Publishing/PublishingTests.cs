using System.Text.Json;
using System.Xml.Linq;
using AngleSharp.Html.Parser;
using Community.Tests.Infrastructure;
using Community.Web.Features.Publishing;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Publishing;

public sealed record StoryFields(string? Kind, string? Slug, string? Title, string? Customer, string? Body);
public sealed record StoryResult(int? Id, StoryFields Fields, string Status, DateTime? PublishAt, string PublicUrl, string? PreviewUrl, bool ReadOnly, string[] RedirectFrom);
public sealed record PublishResult(StoryResult Story, string Message);
public sealed record MediaResult(string Id, int Width, int Height, string Placeholder, RenditionResult[] Renditions, string Markdown);
public sealed record RenditionResult(string Url, int Width, int Height, string ContentType);
public sealed record RevisionResult(int Number, string Title);

public sealed class PublishingTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    private static object Spotlight(string title, string? slug = null, string body = "A story about **results**.", string? hero = null) => new
    {
        kind = "spotlight",
        slug,
        title,
        customer = "Acme Ltd",
        summary = "Acme's team on what changed.",
        body,
        personName = "Pat Doe",
        personRole = "CTO",
        quote = "It just works.",
        industry = "Manufacturing",
        companySize = "51-200",
        productArea = "Analytics",
        heroImage = hero,
        heroAlt = hero is null ? null : "The Acme team",
    };

    private static async Task<StoryResult> CreateAsync(ApiClient client, object input) =>
        await ApiClient.ReadAsync<StoryResult>(await client.PostAsync("/api/stories", input), HttpStatusCode.Created);

    private static async Task<StoryResult> PublishAsync(ApiClient client, int id, DateTime? at = null) =>
        (await ApiClient.ReadAsync<PublishResult>(await client.PostAsync($"/api/stories/{id}/publish", new { publishAt = at }))).Story;

    private static string Unique(string stem) => $"{stem}-{Guid.NewGuid():N}"[..(stem.Length + 9)];

    public static TheoryData<string, string> EditorActions => new()
    {
        { "GET", "/api/stories" },
        { "GET", "/api/stories/1" },
        { "GET", "/api/stories/files/northwind-ops-self-serve" },
        { "POST", "/api/stories" },
        { "PUT", "/api/stories/1" },
        { "DELETE", "/api/stories/1" },
        { "POST", "/api/stories/1/publish" },
        { "POST", "/api/stories/1/unpublish" },
        { "GET", "/api/stories/1/revisions" },
        { "POST", "/api/stories/1/revisions/1/restore" },
        { "POST", "/api/stories/preview" },
        { "POST", "/api/media" },
    };

    [Theory]
    [MemberData(nameof(EditorActions))]
    public async Task Editor_actions_refuse_visitors_with_401_and_members_with_403(string method, string url)
    {
        using var anonymous = factory.CreateApiClient();
        using var member = await factory.MemberAsync("Plain Member");
        var body = method is "POST" or "PUT" ? JsonContent.Create(Spotlight("Sneaky")) : null;
        var asVisitor = await anonymous.SendAsync(new HttpMethod(method), url, body);
        await ApiClient.ProblemAsync(asVisitor, HttpStatusCode.Unauthorized);
        body = method is "POST" or "PUT" ? JsonContent.Create(Spotlight("Sneaky")) : null;
        var asMember = await member.SendAsync(new HttpMethod(method), url, body);
        await ApiClient.ProblemAsync(asMember, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Editor_page_sends_visitors_to_sign_in_and_refuses_members()
    {
        using var anonymous = factory.CreateApiClient();
        var visitor = await anonymous.GetAsync("/publishing");
        Assert.Equal(HttpStatusCode.Redirect, visitor.StatusCode);
        Assert.StartsWith("/signin", visitor.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var member = await factory.MemberAsync("Curious Member");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/publishing")).StatusCode);
        using var marketer = await factory.MemberAsync("Page Marketer", "Marketing");
        Assert.Equal(HttpStatusCode.OK, (await marketer.GetAsync("/publishing")).StatusCode);
    }

    [Fact]
    public async Task Marketer_publishes_a_spotlight_with_an_image_and_the_page_carries_share_meta()
    {
        using var marketer = await factory.MemberAsync("Meta Marketer", "Marketing");
        var upload = await marketer.SendAsync(HttpMethod.Post, "/api/media", StoryImages.Form(StoryImages.Png(1800, 1000), "team.png", "image/png"));
        var media = await ApiClient.ReadAsync<MediaResult>(upload, HttpStatusCode.Created);
        Assert.Equal([320, 640, 1024, 1600], media.Renditions.Where(r => r.ContentType == "image/webp").Select(r => r.Width));
        Assert.StartsWith("data:image/", media.Placeholder, StringComparison.Ordinal);

        var slug = Unique("acme-meta");
        var story = await CreateAsync(marketer, Spotlight("Acme ships faster", slug, $"Intro.\n\n![Our team]({media.Renditions[0].Url} \"The team at work\")", media.Id));
        Assert.Equal("draft", story.Status);
        using var visitor = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/spotlights/{slug}")).StatusCode);

        // The private preview shows the draft exactly as it will look, marked noindex.
        var preview = await visitor.GetAsync(story.PreviewUrl!);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("noindex", await preview.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await PublishAsync(marketer, story.Id!.Value);
        var response = await visitor.GetAsync($"/spotlights/{slug}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var doc = new HtmlParser().ParseDocument(html);
        Assert.Equal("Acme ships faster", doc.QuerySelector("h1")!.TextContent);
        Assert.Equal($"http://localhost/spotlights/{slug}", doc.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        Assert.Equal("Acme ships faster", doc.QuerySelector("meta[property='og:title']")!.GetAttribute("content"));
        Assert.StartsWith("http://localhost/media/", doc.QuerySelector("meta[property='og:image']")!.GetAttribute("content"), StringComparison.Ordinal);
        Assert.Equal("summary_large_image", doc.QuerySelector("meta[name='twitter:card']")!.GetAttribute("content"));
        var ld = JsonDocument.Parse(doc.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        Assert.Equal("Article", ld.GetProperty("@type").GetString());
        Assert.Equal("Acme ships faster", ld.GetProperty("headline").GetString());
        Assert.All(doc.QuerySelectorAll("script:not([src])"), s => Assert.Equal("application/ld+json", s.GetAttribute("type")));
        Assert.Empty(doc.QuerySelectorAll("[style]"));

        var hero = doc.QuerySelector(".story-hero picture")!;
        Assert.Contains("1600w", hero.QuerySelector("source[type='image/webp']")!.GetAttribute("srcset"), StringComparison.Ordinal);
        var img = hero.QuerySelector("img")!;
        Assert.NotNull(img.GetAttribute("width"));
        Assert.NotNull(img.GetAttribute("height"));
        Assert.NotNull(img.GetAttribute("sizes"));
        Assert.Equal("The team at work", doc.QuerySelector(".story-body figure figcaption")!.TextContent);
        Assert.StartsWith("data:image/", doc.QuerySelector(".story-hero img.lqip")!.GetAttribute("src"), StringComparison.Ordinal);

        var file = await visitor.GetAsync(img.GetAttribute("src")!);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/jpeg", file.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", file.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

        // Cached page revalidates.
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/spotlights/{slug}");
        again.Headers.TryAddWithoutValidation("If-None-Match", response.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await visitor.Http.SendAsync(again)).StatusCode);
        Assert.NotNull(response.Content.Headers.LastModified);

        // Listed and filterable.
        var listing = await visitor.Http.GetStringAsync("/spotlights?industry=Manufacturing");
        Assert.Contains($"/spotlights/{slug}", listing, StringComparison.Ordinal);
        var filteredOut = await visitor.Http.GetStringAsync("/spotlights?industry=Energy");
        Assert.DoesNotContain($"/spotlights/{slug}", filteredOut, StringComparison.Ordinal);

        // Unpublish takes it down.
        Assert.Equal(HttpStatusCode.OK, (await marketer.PostAsync($"/api/stories/{story.Id}/unpublish")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/spotlights/{slug}")).StatusCode);
    }

    [Fact]
    public async Task Duplicate_slug_is_a_conflict_with_a_suggestion()
    {
        using var marketer = await factory.MemberAsync("Slug Marketer", "Marketing");
        var slug = Unique("dup");
        await CreateAsync(marketer, Spotlight("First", slug));
        var problem = await ApiClient.ProblemAsync(await marketer.PostAsync("/api/stories", Spotlight("Second", slug)), HttpStatusCode.Conflict);
        Assert.Contains($"{slug}-2", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("slug", problem.Errors!.Keys);
        // A number that is part of the name (a year, or a slug of digits) is kept; only a short counter is replaced.
        var yearSlug = Unique("launch") + "-2024";
        await CreateAsync(marketer, Spotlight("Launch", yearSlug));
        var year = await ApiClient.ProblemAsync(await marketer.PostAsync("/api/stories", Spotlight("Launch again", yearSlug)), HttpStatusCode.Conflict);
        Assert.Contains($"'{yearSlug}-2'", year.Detail, StringComparison.Ordinal);

        var fileSlug = await ApiClient.ProblemAsync(await marketer.PostAsync("/api/stories", Spotlight("Clash", "northwind-ops-self-serve")), HttpStatusCode.Conflict);
        Assert.Contains("northwind-ops-self-serve-2", fileSlug.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renaming_a_published_slug_keeps_the_old_url_working_with_301()
    {
        using var marketer = await factory.MemberAsync("Rename Marketer", "Marketing");
        var oldSlug = Unique("old");
        var story = await CreateAsync(marketer, Spotlight("Renamed story", oldSlug));
        await PublishAsync(marketer, story.Id!.Value);
        using var visitor = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/spotlights/{oldSlug}")).StatusCode);

        var newSlug = Unique("new");
        var renamed = await ApiClient.ReadAsync<StoryResult>(await marketer.PutAsync($"/api/stories/{story.Id}", Spotlight("Renamed story", newSlug)));
        Assert.Equal([oldSlug], renamed.RedirectFrom);
        var moved = await visitor.GetAsync($"/spotlights/{oldSlug}");
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal($"/spotlights/{newSlug}", moved.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/spotlights/{newSlug}")).StatusCode);

        // The old slug stays reserved for this story.
        await ApiClient.ProblemAsync(await marketer.PostAsync("/api/stories", Spotlight("Squatter", oldSlug)), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Scheduled_story_goes_live_when_the_clock_reaches_its_time()
    {
        using var marketer = await factory.MemberAsync("Schedule Marketer", "Marketing");
        var slug = Unique("sched");
        var story = await CreateAsync(marketer, Spotlight("Coming soon", slug));
        var at = factory.Clock.GetUtcNow().UtcDateTime.AddHours(2);
        var scheduled = await PublishAsync(marketer, story.Id!.Value, at);
        Assert.Equal("scheduled", scheduled.Status);

        using var visitor = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/spotlights/{slug}")).StatusCode);
        Assert.DoesNotContain(slug, await visitor.Http.GetStringAsync("/sitemap.xml"), StringComparison.Ordinal);

        factory.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        // Visible at once (check-on-read), before the background job has run.
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/spotlights/{slug}")).StatusCode);
        Assert.Contains(slug, await visitor.Http.GetStringAsync("/spotlights"), StringComparison.Ordinal);

        await factory.Services.GetRequiredService<StoryScheduler>().PublishDueAsync(CancellationToken.None);
        var after = await ApiClient.ReadAsync<StoryResult>(await marketer.GetAsync($"/api/stories/{story.Id}"));
        Assert.Equal("published", after.Status);
    }

    [Fact]
    public async Task Scheduling_in_the_past_publishes_now_and_says_so()
    {
        using var marketer = await factory.MemberAsync("Past Marketer", "Marketing");
        var story = await CreateAsync(marketer, Spotlight("Late", Unique("late")));
        var result = await ApiClient.ReadAsync<PublishResult>(await marketer.PostAsync($"/api/stories/{story.Id}/publish",
            new { publishAt = factory.Clock.GetUtcNow().UtcDateTime.AddMinutes(-5) }));
        Assert.Equal("published", result.Story.Status);
        Assert.Contains("already passed", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sitemap_and_feed_are_valid_xml_listing_only_published_stories()
    {
        using var marketer = await factory.MemberAsync("Feed Marketer", "Marketing");
        var published = Unique("live");
        var draft = Unique("draft");
        await PublishAsync(marketer, (await CreateAsync(marketer, Spotlight("Live one", published))).Id!.Value);
        await CreateAsync(marketer, Spotlight("Draft one", draft));

        using var visitor = factory.CreateApiClient();
        var sitemapResponse = await visitor.GetAsync("/sitemap.xml");
        Assert.Equal("application/xml", sitemapResponse.Content.Headers.ContentType!.MediaType);
        var sitemap = XDocument.Parse(await sitemapResponse.Content.ReadAsStringAsync());
        XNamespace sm = "http://www.sitemaps.org/schemas/sitemap/0.9";
        var locs = sitemap.Descendants(sm + "loc").Select(l => l.Value).ToList();
        Assert.Contains($"http://localhost/spotlights/{published}", locs);
        Assert.Contains("http://localhost/spotlights/northwind-ops-self-serve", locs);
        Assert.DoesNotContain(locs, l => l.Contains(draft, StringComparison.Ordinal));

        var feed = XDocument.Parse(await visitor.Http.GetStringAsync("/stories/feed.xml"));
        XNamespace atom = "http://www.w3.org/2005/Atom";
        var ids = feed.Root!.Elements(atom + "entry").Select(e => e.Element(atom + "id")!.Value).ToList();
        Assert.Contains($"http://localhost/spotlights/{published}", ids);
        Assert.DoesNotContain(ids, l => l.Contains(draft, StringComparison.Ordinal));

        var robots = await visitor.Http.GetStringAsync("/robots.txt");
        Assert.Contains("Sitemap: http://localhost/sitemap.xml", robots, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uploaded_jpeg_with_gps_exif_comes_out_without_any_metadata()
    {
        using var marketer = await factory.MemberAsync("Exif Marketer", "Marketing");
        var jpeg = StoryImages.JpegWithGps(900, 600);
        Assert.True(StoryImages.HasMetadata(jpeg));
        var media = await ApiClient.ReadAsync<MediaResult>(
            await marketer.SendAsync(HttpMethod.Post, "/api/media", StoryImages.Form(jpeg, "holiday.jpg", "image/jpeg")), HttpStatusCode.Created);
        Assert.NotEmpty(media.Renditions);
        Assert.DoesNotContain(media.Renditions, r => r.Width > 900);
        using var visitor = factory.CreateApiClient();
        foreach (var rendition in media.Renditions)
        {
            var bytes = await visitor.Http.GetByteArrayAsync(rendition.Url);
            Assert.False(StoryImages.HasMetadata(bytes), $"{rendition.Url} still carries metadata");
        }
    }

    [Fact]
    public async Task Decompression_bomb_is_refused_and_nothing_is_stored()
    {
        using var marketer = await factory.MemberAsync("Bomb Marketer", "Marketing");
        var bomb = StoryImages.Png(20_000, 20_000, bomb: true);
        Assert.True(bomb.Length < 200_000);
        // Refused from the header, before decoding; how fast is not timed here (no bench row measures it yet).
        var response = await marketer.SendAsync(HttpMethod.Post, "/api/media", StoryImages.Form(bomb, "bomb.png", "image/png"));
        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("pixel", problem.Detail, StringComparison.OrdinalIgnoreCase);
        var mediaRoot = Path.Combine(factory.Folder, "media");
        var before = Directory.Exists(mediaRoot) ? Directory.GetFiles(mediaRoot, "*", SearchOption.AllDirectories).Length : 0;
        await marketer.SendAsync(HttpMethod.Post, "/api/media", StoryImages.Form(bomb, "bomb.png", "image/png"));
        var after = Directory.Exists(mediaRoot) ? Directory.GetFiles(mediaRoot, "*", SearchOption.AllDirectories).Length : 0;
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("page.jpg", "image/jpeg", "<!doctype html><html><body><script>alert(1)</script></body></html>")]
    [InlineData("logo.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    public async Task Disguised_or_svg_uploads_are_refused_with_a_reason(string name, string type, string content)
    {
        using var marketer = await factory.MemberAsync("Disguise Marketer", "Marketing");
        var response = await marketer.SendAsync(HttpMethod.Post, "/api/media", StoryImages.Form(System.Text.Encoding.UTF8.GetBytes(content), name, type));
        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
    }

    [Fact]
    public async Task Truncated_and_polyglot_images_are_refused()
    {
        using var marketer = await factory.MemberAsync("Polyglot Marketer", "Marketing");
        var png = StoryImages.Png(400, 300);
        var truncated = png[..(png.Length / 2)];
        await ApiClient.ProblemAsync(await marketer.SendAsync(HttpMethod.Post, "/api/media", StoryImages.Form(truncated, "cut.png", "image/png")), HttpStatusCode.BadRequest);
        byte[] polyglot = [.. png, .. "<script>alert(1)</script>"u8.ToArray()];
        await ApiClient.ProblemAsync(await marketer.SendAsync(HttpMethod.Post, "/api/media", StoryImages.Form(polyglot, "poly.png", "image/png")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Member_avatar_upload_makes_a_square_and_sets_the_profile_picture()
    {
        using var member = await factory.MemberAsync("Avatar Member");
        var media = await ApiClient.ReadAsync<MediaResult>(
            await member.SendAsync(HttpMethod.Post, "/api/me/avatar", StoryImages.Form(StoryImages.Png(600, 400), "me.png", "image/png")));
        Assert.All(media.Renditions, r => Assert.Equal(r.Width, r.Height));
        var me = await member.Http.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.StartsWith("/media/", me.GetProperty("avatarUrl").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revisions_are_kept_and_an_old_one_can_be_restored()
    {
        using var marketer = await factory.MemberAsync("History Marketer", "Marketing");
        var slug = Unique("hist");
        var story = await CreateAsync(marketer, Spotlight("Version one", slug));
        await ApiClient.ReadAsync<StoryResult>(await marketer.PutAsync($"/api/stories/{story.Id}", Spotlight("Version two", slug)));
        var revisions = await ApiClient.ReadAsync<RevisionResult[]>(await marketer.GetAsync($"/api/stories/{story.Id}/revisions"));
        Assert.Equal(["Version two", "Version one"], revisions.Select(r => r.Title));
        var restored = await ApiClient.ReadAsync<StoryResult>(await marketer.PostAsync($"/api/stories/{story.Id}/revisions/1/restore"));
        Assert.Equal("Version one", restored.Fields.Title);
        revisions = await ApiClient.ReadAsync<RevisionResult[]>(await marketer.GetAsync($"/api/stories/{story.Id}/revisions"));
        Assert.Equal(3, revisions.Length);
    }

    [Fact]
    public async Task Unsafe_markdown_is_neutralised_and_deep_nesting_is_a_400()
    {
        using var marketer = await factory.MemberAsync("Preview Marketer", "Marketing");
        var body = "[a](javascript:alert(1)) [b](JaVaScRiPt&#58;alert(1)) <script>x</script> ![c](data:image/png;base64,AAAA) [ok](https://example.com) [rel](/spotlights)\n\n:::onclick\nx\n:::\n";
        var preview = await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync("/api/stories/preview", new { kind = "spotlight", title = "T", customer = "C", body }));
        var html = preview.GetProperty("html").GetString()!;
        Assert.DoesNotContain("javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data:image/png", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onclick", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.com\" rel=\"nofollow noopener\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/spotlights\"", html, StringComparison.Ordinal);

        var deep = new string('>', 5000) + " deep";
        var problem = await ApiClient.ProblemAsync(await marketer.PostAsync("/api/stories", Spotlight("Deep", Unique("deep"), deep)), HttpStatusCode.BadRequest);
        Assert.Contains("body", problem.Errors!.Keys);
    }

    [Fact]
    public async Task Content_files_are_published_listed_read_only_and_honour_redirect_from()
    {
        using var visitor = factory.CreateApiClient();
        var page = await visitor.GetAsync("/spotlights/northwind-ops-self-serve");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var doc = new HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync());
        Assert.Contains("40 spreadsheets", doc.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(doc.QuerySelector(".story-hero picture source[type='image/webp']"));
        var moved = await visitor.GetAsync("/spotlights/northwind-spreadsheets");
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        var caseStudy = new HtmlParser().ParseDocument(await visitor.Http.GetStringAsync("/case-studies/contoso-churn"));
        Assert.Equal(3, caseStudy.QuerySelectorAll(".story-metrics dd").Length);
        Assert.Equal(3, caseStudy.QuerySelectorAll(".story-section").Length);

        using var marketer = await factory.MemberAsync("Files Marketer", "Marketing");
        var list = await marketer.Http.GetFromJsonAsync<JsonElement>("/api/stories");
        var files = list.GetProperty("stories").EnumerateArray().Where(s => s.GetProperty("readOnly").GetBoolean()).ToList();
        Assert.Equal(4, files.Count);
        Assert.All(files, f => Assert.StartsWith("content/", f.GetProperty("sourceFile").GetString(), StringComparison.Ordinal));
    }
}
