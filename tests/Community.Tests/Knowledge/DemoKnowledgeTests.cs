using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Knowledge;

/// <summary>A site seeded with the demo community (what ./run.sh starts).</summary>
public sealed class DemoSiteFactory : ForumFactory
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Demo:Seed"] = "true";
        return settings;
    }
}

/// <summary>The demo shows a help center: articles in two sections, searchable and suggested.</summary>
public sealed class DemoKnowledgeTests(DemoSiteFactory factory) : IClassFixture<DemoSiteFactory>
{
    [Fact]
    public async Task The_demo_has_published_articles_in_two_sections_that_search_and_suggestions_find()
    {
        using var visitor = factory.CreateApiClient();
        var index = await (await visitor.GetAsync("/kb")).Content.ReadAsStringAsync();
        Assert.Contains("Getting started", index);
        Assert.Contains("Billing and data", index);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/kb/billing-and-data/export-your-data-to-csv")).StatusCode);
        var found = await FindScenarios.FindAsync(visitor, "invoices");
        Assert.Contains(found.Hits, h => h is { Kind: "article", Url: "/kb/billing-and-data/download-invoices" });
        var similar = await ApiClient.ReadAsync<List<SimilarView>>(await visitor.GetAsync("/api/kb/similar?title=How+to+download+past+invoices"));
        Assert.Contains(similar, s => s.Url == "/kb/billing-and-data/download-invoices");
    }
}
