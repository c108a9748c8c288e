using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Tests.Publishing;

namespace Community.BrowserTests.Publishing;

[Collection(BrowserCollection.Name)]
public sealed partial class PublishingJourneyTests(BrowserFixture browser)
{
    private async Task<IPage> SignedInAsync(string displayName, params string[] roles)
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using (var api = browser.Server.CreateHttpApiClient())
        {
            var me = await api.JoinAsync(displayName, email);
            if (roles.Length > 0) await browser.Server.GrantRolesAsync(me.Id, roles);
        }
        var page = await browser.NewPersonAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync(displayName);
        return page;
    }

    [Fact]
    public async Task A_marketer_writes_a_spotlight_with_an_image_previews_it_and_publishes()
    {
        var page = await SignedInAsync("Mia Marketer", "Marketing");
        await page.GotoAsync("/publishing");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Customer stories");
        await Assertions.Expect(page.GetByText("from content/").First).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();

        var pageErrors = new List<string>();
        page.PageError += (_, e) => pageErrors.Add(e);
        await page.GetByRole(AriaRole.Link, new() { Name = "New spotlight" }).ClickAsync();
        var slug = "globex-" + Guid.NewGuid().ToString("N")[..8];
        await page.GetByLabel("Customer", new() { Exact = true }).FillAsync("Globex");
        await page.GetByLabel("Title").FillAsync("Globex answers customers in minutes");
        await page.GetByLabel("Slug").FillAsync(slug);
        await page.GetByLabel("Summary").FillAsync("Globex's support lead on the community as a first line.");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Hank Scorpio");
        await page.GetByLabel("Quote").FillAsync("Our customers answer each other before we wake up.");
        await page.GetByLabel("Industry").FillAsync("Logistics");
        await page.GetByLabel("Story (Markdown)").FillAsync("Globex ships **everything**.\n\n:::note\nA callout.\n:::\n");
        await page.Locator("#hero-file").SetInputFilesAsync(new FilePayload { Name = "team.png", MimeType = "image/png", Buffer = StoryImages.Png(1400, 800) });
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Hero image uploaded");
        await page.GetByLabel("Hero image description").FillAsync("The Globex support team");
        await Assertions.Expect(page.Locator("#live-preview h1")).ToHaveTextAsync("Globex answers customers in minutes");
        await Assertions.Expect(page.Locator("#live-preview .callout.note")).ToContainTextAsync("A callout.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Draft saved.");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/publishing/\d+$"));
        await page.ScreenshotAsync("publishing-editor");
        await page.AssertAccessibleAsync();

        var previewUrl = await page.GetByRole(AriaRole.Link, new() { Name = "Open private preview" }).GetAttributeAsync("href");
        var preview = await browser.NewPersonAsync();
        await preview.GotoAsync(previewUrl!);
        await Assertions.Expect(preview.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Globex answers customers in minutes");
        await Assertions.Expect(preview.Locator(".preview-banner")).ToBeVisibleAsync();
        await Assertions.Expect(preview.Locator("meta[name=robots]")).ToHaveAttributeAsync("content", "noindex, nofollow");

        await page.GetByRole(AriaRole.Button, new() { Name = "Publish now" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Published.");
        await preview.GotoAsync($"/spotlights/{slug}");
        await Assertions.Expect(preview.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Globex answers customers in minutes");
        await Assertions.Expect(preview.Locator(".story-hero picture img")).ToHaveAttributeAsync("alt", "The Globex support team");
        Assert.Empty(pageErrors);
    }

    [Fact]
    public async Task A_visitor_filters_the_listing_opens_a_story_and_the_image_loads_from_srcset()
    {
        var page = await browser.NewPersonAsync();
        await page.GotoAsync("/spotlights");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Customer spotlights");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("spotlights");

        await page.GetByLabel("Industry").SelectOptionAsync("Energy");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("industry=Energy"));
        var cards = page.Locator(".story-card");
        await Assertions.Expect(cards).ToHaveCountAsync(1);
        await cards.GetByRole(AriaRole.Link).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/spotlights/fabrikam-field-teams$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Fabrikam");
        var hero = page.Locator(".story-hero picture img");
        await Assertions.Expect(hero).ToHaveAttributeAsync("srcset", new Regex(@"/media/[0-9a-f]{64}\.jpg 320w"));
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('.story-hero picture img'); return i.complete && i.naturalWidth > 0; }");
        var current = await hero.EvaluateAsync<string>("i => i.currentSrc");
        Assert.Matches(@"/media/[0-9a-f]{64}\.webp$", current);

        Assert.Equal("article", await page.Locator("meta[property='og:type']").GetAttributeAsync("content"));
        Assert.StartsWith(browser.Server.BaseUrl + "/media/", await page.Locator("meta[property='og:image']").GetAttributeAsync("content"), StringComparison.Ordinal);
        Assert.Equal(browser.Server.BaseUrl + "/spotlights/fabrikam-field-teams", await page.Locator("link[rel=canonical]").GetAttributeAsync("href"));
        Assert.Contains("\"Article\"", await page.Locator("script[type='application/ld+json']").TextContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync("spotlight");
        await page.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Join the community" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/signup"));
    }

    [Fact]
    public async Task A_member_cannot_reach_the_editor()
    {
        var page = await SignedInAsync("Nosy Member");
        var response = await page.GotoAsync("/publishing");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Publishers only");
        Assert.Equal(403, (await page.APIRequest.GetAsync("/api/stories")).Status);
    }
}
