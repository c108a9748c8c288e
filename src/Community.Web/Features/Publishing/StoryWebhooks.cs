using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Activity;
using Community.Web.Features.Integrations;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Publishing;

public sealed record StoryEventData(int StoryId, string Kind, string Title, string Slug, string Summary, string Url, DateTime? PublishedAt,
    bool Scheduled);

/// <summary>Shapes story.published: only what the public page shows (a published story is public).</summary>
public sealed class StoryWebhooks(IWebhookEvents events, PublicUrls urls, IMemberActivity activity, TimeProvider clock)
{
    /// <param name="scheduled">True when the scheduler published it at its chosen time.</param>
    public void Published(CommunityDb db, Story story, bool scheduled) => events.Add(db, WebhookTypes.StoryPublished,
        new StoryEventData(story.Id, story.Kind, story.Title, story.Slug, story.Summary,
            urls.Absolute(StoryKinds.ListPath(story.Kind) + "/" + story.Slug), story.PublishedAt, scheduled));

    /// <summary>After stories went live (committed): the members they feature are reported, so their lifecycle stage and the
    /// Spotlighted badge follow at once rather than at the daily pass.</summary>
    public async Task FeaturedAsync(IMemberDirectory members, IEnumerable<Story> published, CancellationToken ct)
    {
        var handles = published.Select(s => s.FeaturedMember).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (handles.Count == 0) return;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var member in await members.FindByHandlesAsync(handles, ct)) activity.Report(member.Id, ActivityKind.Featured, now);
    }
}
