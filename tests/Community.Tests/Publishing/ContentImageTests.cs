using Community.Tests.Infrastructure;
using Community.Web.Data;
using Community.Web.Features.Media;
using Community.Web.Features.Publishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Publishing;

/// <summary>
/// The shipped content files carry eight images. Processing them all (libvips, four widths, WebP and JPEG) on the first
/// request made /spotlights take over 10 s on a loaded 2-core machine; pages must only wait for the images they show.
/// </summary>
public sealed class ContentImageTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    private async Task<int> ProcessedImagesAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CommunityDb>().Set<MediaImage>().CountAsync();
    }

    [Fact]
    public async Task The_story_listing_answers_without_processing_images_and_a_story_processes_only_its_own()
    {
        using var visitor = factory.CreateApiClient();
        var listing = await visitor.GetAsync("/spotlights");
        Assert.Equal(HttpStatusCode.OK, listing.StatusCode);
        Assert.Contains("fabrikam-field-teams", await listing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await ProcessedImagesAsync());

        var story = await visitor.GetAsync("/spotlights/fabrikam-field-teams");
        Assert.Equal(HttpStatusCode.OK, story.StatusCode);
        var html = await story.Content.ReadAsStringAsync();
        Assert.Matches(@"<figure class=""story-hero""><span class=""pic""><img class=""lqip"" src=""data:image/webp;base64,", html);
        Assert.Matches(@"/media/[0-9a-f]{64}\.webp 1600w", html);
        Assert.Equal(2, await ProcessedImagesAsync()); // its hero and its logo, not the other stories' images
    }
}
