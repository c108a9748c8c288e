using System.Text.Json;
using Community.Tests.Infrastructure;

namespace Community.Tests.Publishing;

/// <summary>A content folder with one good file and one broken one.</summary>
public sealed class BrokenContentFactory : CommunityFactory
{
    public string ContentFolder { get; } = Path.Combine(Path.GetTempPath(), "community-content", Guid.NewGuid().ToString("N"));

    public BrokenContentFactory()
    {
        Directory.CreateDirectory(Path.Combine(ContentFolder, "spotlights"));
        File.WriteAllText(Path.Combine(ContentFolder, "spotlights", "good.md"), "---\ntitle: Good one\ncustomer: Good Co\ntags:\n  industry: Retail\n---\nHello **world**.\n");
        File.WriteAllText(Path.Combine(ContentFolder, "spotlights", "broken.md"), "---\ntitle: Broken\ncustomer: Bad Co\ntags: [unclosed\n---\nBody\n");
        File.WriteAllText(Path.Combine(ContentFolder, "spotlights", "typo.md"), "---\ntitle: Typo\ncustomer: T\nherro: x.png\n---\nBody\n");
    }

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Publishing:ContentFolder"] = ContentFolder,
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(ContentFolder, recursive: true); } catch (IOException) { }
    }
}

public sealed class ContentFileTests(BrokenContentFactory factory) : IClassFixture<BrokenContentFactory>
{
    [Fact]
    public async Task Broken_front_matter_skips_that_file_and_names_file_and_line()
    {
        using var visitor = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/spotlights/good")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/spotlights/broken")).StatusCode);

        using var marketer = await factory.MemberAsync("Content Marketer", "Marketing");
        var list = await marketer.Http.GetFromJsonAsync<JsonElement>("/api/stories");
        var errors = list.GetProperty("contentErrors").EnumerateArray().ToList();
        var broken = Assert.Single(errors, e => e.GetProperty("file").GetString() == "content/spotlights/broken.md");
        Assert.True(broken.GetProperty("line").GetInt32() >= 4, broken.ToString());
        var typo = Assert.Single(errors, e => e.GetProperty("file").GetString() == "content/spotlights/typo.md");
        Assert.Equal(4, typo.GetProperty("line").GetInt32());
        Assert.Contains("herro", typo.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_file_is_picked_up_while_the_site_runs()
    {
        using var visitor = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/spotlights/good")).StatusCode);
        File.WriteAllText(Path.Combine(factory.ContentFolder, "spotlights", "fresh.md"), "---\ntitle: Fresh one\ncustomer: Fresh Co\n---\nNew.\n");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            status = (await visitor.GetAsync("/spotlights/fresh")).StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
