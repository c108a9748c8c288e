using Community.Web.Features.Lifecycle.Timeline;

namespace Community.Web.Features.Publishing;

/// <summary>Publishing's timeline entries: the live stories that feature the member.</summary>
internal sealed class StoryTimeline(StoryCatalog catalog, TimeProvider clock) : IMemberTimelineSource
{
    public async Task<IReadOnlyList<TimelineEntry>> EntriesAsync(TimelineRequest request, CancellationToken ct)
    {
        var snapshot = await catalog.GetAsync(ct);
        return [.. snapshot.Visible(clock.GetUtcNow().UtcDateTime)
            .Where(s => string.Equals(s.FeaturedMember, request.UserName, StringComparison.OrdinalIgnoreCase))
            .Select(s => new TimelineEntry(s.Date, TimelineKinds.Story, $"Featured in a story: {s.Title}", StoryKinds.Label(s.Kind), s.Path))];
    }
}
