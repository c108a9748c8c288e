using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Publishing;

/// <summary>Publishing a story now or at a time, and taking it back to draft.</summary>
internal static partial class StoryEditorEndpoints
{
    private static async Task<Results<Ok<PublishResponse>, ValidationProblem, ProblemHttpResult>> Publish(
        int id, PublishRequest? request, CommunityDb db, StoryCatalog catalog, TimeProvider clock, StoryWebhooks webhooks,
        Accounts.IMemberDirectory members, CancellationToken ct)
    {
        var story = await db.Set<Story>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (story is null) return Problems.NotFound("No story with that id.");
        var errors = new FieldErrors();
        if (story.Kind == StoryKinds.CaseStudy && StoryView.ParseMetrics(story.MetricsJson).Count is < 2 or > 4)
        {
            errors.Add("metrics", "A case study needs 2 to 4 key metrics before it is published.");
        }
        if (errors.Any) return errors.ToProblem("The story is not ready to publish.");

        var now = clock.GetUtcNow().UtcDateTime;
        string message;
        if (request?.PublishAt is { } requested && ToUtc(requested) > now)
        {
            story.Status = StoryStatus.Scheduled;
            story.PublishAt = ToUtc(requested);
            message = $"Scheduled for {story.PublishAt:yyyy-MM-dd HH:mm} UTC.";
        }
        else
        {
            var wasPublished = story.Status == StoryStatus.Published;
            story.Status = StoryStatus.Published;
            story.PublishAt = null;
            story.PublishedAt ??= now;
            if (!wasPublished) webhooks.Published(db, story, scheduled: false);
            message = request?.PublishAt is not null
                ? "The time you chose has already passed, so the story was published now."
                : "Published.";
        }
        story.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        catalog.Invalidate();
        if (story.Status == StoryStatus.Published) await webhooks.FeaturedAsync(members, [story], ct);
        return TypedResults.Ok(new PublishResponse(ToDto(story, await RedirectsOf(db, id, ct)), message));
    }

    private static DateTime ToUtc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => t,
        DateTimeKind.Local => t.ToUniversalTime(),
        _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
    };

    private static async Task<Results<Ok<StoryDto>, ProblemHttpResult>> Unpublish(
        int id, CommunityDb db, StoryCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var story = await db.Set<Story>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (story is null) return Problems.NotFound("No story with that id.");
        story.Status = StoryStatus.Draft;
        story.PublishAt = null;
        story.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        catalog.Invalidate();
        return TypedResults.Ok(ToDto(story, await RedirectsOf(db, id, ct)));
    }
}
