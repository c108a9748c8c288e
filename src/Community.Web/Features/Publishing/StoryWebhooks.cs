using Community.Web.Data;
using Community.Web.Features.Integrations;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Publishing;

public sealed record StoryEventData(int StoryId, string Kind, string Title, string Slug, string Summary, string Url, DateTime? PublishedAt,
    bool Scheduled);

/// <summary>Shapes story.published: only what the public page shows (a published story is public).</summary>
public sealed class StoryWebhooks(IWebhookEvents events, PublicUrls urls)
{
    /// <param name="scheduled">True when the scheduler published it at its chosen time.</param>
    public void Published(CommunityDb db, Story story, bool scheduled) => events.Add(db, WebhookTypes.StoryPublished,
        new StoryEventData(story.Id, story.Kind, story.Title, story.Slug, story.Summary,
            urls.Absolute(StoryKinds.ListPath(story.Kind) + "/" + story.Slug), story.PublishedAt, scheduled));
}
