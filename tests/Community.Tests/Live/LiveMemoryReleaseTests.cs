using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Live;

/// <summary>Memory held by WebSocket viewers is handed back after they leave (issue #8), not kept until the next busy spell.</summary>
public sealed class LiveMemoryReleaseTests
{
    private sealed class QuickRelease : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Live:ReleaseMemoryAfterDrop"] = "4",
            ["Live:MemoryCheckSeconds"] = "1",
        };
    }

    [Theory]
    [InlineData(5000, 0, 0, 1000, true)]       // everyone left and stayed gone
    [InlineData(5000, 2000, 0, 1000, false)]    // still leaving: wait until the count holds
    [InlineData(5000, 2600, 2600, 1000, false)] // more than half are still here
    [InlineData(600, 0, 0, 1000, false)]        // too few to be worth a full collection
    public void A_full_collection_waits_for_a_sharp_drop_that_has_stopped(int peak, int previous, int now, int minDrop, bool expected) =>
        Assert.Equal(expected, LiveMemoryRelease.ShouldRelease(peak, previous, now, minDrop));

    [Fact]
    public async Task Memory_is_released_once_many_viewers_have_left()
    {
        await using var factory = new QuickRelease();
        var connections = factory.Services.GetRequiredService<LiveFanout>();
        var release = factory.Services.GetRequiredService<LiveMemoryRelease>();
        var viewers = new List<HubClient>();
        for (var i = 0; i < 6; i++) viewers.Add(await HubClient.ConnectAsync(factory));
        await Eventually.TrueAsync(() => connections.Count == 6);
        // Wait for a check to see the peak before the viewers leave.
        var checks = release.Checks;
        await Eventually.TrueAsync(() => release.Checks > checks);
        Assert.Equal(0, release.Releases);

        foreach (var viewer in viewers) await viewer.DisposeAsync();

        await Eventually.TrueAsync(() => release.Releases == 1, () => $"{connections.Count} connections, {release.Checks} checks");
        Assert.Equal(0, connections.Count);
    }
}
