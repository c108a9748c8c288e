using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Media;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Publishing;

/// <summary>The editor API: drafts, saves with revisions, slug renames, publish/schedule/unpublish, restore, live preview.</summary>
internal static partial class StoryEditorEndpoints
{
    public static void MapStoryEditor(this IEndpointRouteBuilder app)
    {
        var stories = app.MapGroup("/api/stories").WithTags("Publishing").RequireAuthorization(Policies.Publish);
        stories.MapGet("/", List);
        stories.MapGet("/{id:int}", Get);
        stories.MapGet("/files/{slug}", GetFile);
        stories.MapPost("/", Create);
        stories.MapPut("/{id:int}", Update);
        stories.MapDelete("/{id:int}", Delete);
        stories.MapPost("/{id:int}/publish", Publish);
        stories.MapPost("/{id:int}/unpublish", Unpublish);
        stories.MapGet("/{id:int}/revisions", Revisions);
        stories.MapPost("/{id:int}/revisions/{number:int}/restore", Restore);
        stories.MapPost("/preview", StoryPreview.HandleAsync);
    }

    private static StoryDto ToDto(Story s, IReadOnlyList<string> redirects) => new(
        s.Id, StoryInput.From(s), s.Status, s.PublishAt, s.PublishedAt, s.UpdatedAt,
        StoryKinds.ListPath(s.Kind) + "/" + s.Slug, "/stories/preview/" + s.PreviewToken, false, null, redirects);

    private static async Task<Ok<StoryListDto>> List(CommunityDb db, ContentFiles files, CancellationToken ct)
    {
        var rows = await db.Set<Story>().AsNoTracking().OrderByDescending(s => s.UpdatedAt).ToListAsync(ct);
        var (fileStories, errors) = await files.LoadAsync(ct);
        var list = rows.Select(s => new StorySummaryDto(s.Id, s.Kind, s.Slug, s.Title, s.Customer, s.Status, s.PublishAt, s.UpdatedAt,
                StoryKinds.ListPath(s.Kind) + "/" + s.Slug, false, null))
            .Concat(fileStories.Select(f => new StorySummaryDto(null, f.Kind, f.Slug, f.Title, f.Customer, FileStatus(f), f.PublishAt, f.UpdatedAt,
                f.Path, true, f.SourceFile)))
            .ToList();
        return TypedResults.Ok(new StoryListDto(list, errors));
    }

    private static async Task<Results<Ok<StoryDto>, ProblemHttpResult>> Get(int id, CommunityDb db, CancellationToken ct)
    {
        var story = await db.Set<Story>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (story is null) return Problems.NotFound("No story with that id.");
        return TypedResults.Ok(ToDto(story, await RedirectsOf(db, id, ct)));
    }

    /// <summary>A content file is published or a draft; its schedule is its date.</summary>
    private static string FileStatus(StoryView f) => f.Status == StoryStatus.Draft ? StoryStatus.Draft : StoryStatus.Published;

    private static async Task<Results<Ok<StoryDto>, ProblemHttpResult>> GetFile(
        string slug, ContentFiles files, MediaLibrary media, CancellationToken ct)
    {
        var (stories, _) = await files.LoadAsync(ct);
        var f = stories.FirstOrDefault(s => s.Slug == slug);
        if (f is null) return Problems.NotFound("No content file with that slug.");
        // A copy saved from the editor must find its images processed (the editor refuses unknown image ids).
        await media.ReadyAsync(f.HeroImage, ct);
        await media.ReadyAsync(f.LogoImage, ct);
        var fields = new StoryInput
        {
            Kind = f.Kind, Slug = f.Slug, Title = f.Title, Summary = f.Summary, Customer = f.Customer, Body = f.Body,
            PersonName = f.PersonName, PersonRole = f.PersonRole, Quote = f.Quote,
            Challenge = f.Challenge, Solution = f.Solution, Results = f.Results,
            Metrics = f.Metrics, CtaLabel = f.CtaLabel, CtaUrl = f.CtaUrl, HeroImage = f.HeroImage, HeroAlt = f.HeroAlt, LogoImage = f.LogoImage,
            Industry = f.Industry, CompanySize = f.CompanySize, ProductArea = f.ProductArea,
            FeaturedMember = f.FeaturedMember, CreditReferralCode = f.CreditReferralCode,
        };
        return TypedResults.Ok(new StoryDto(null, fields, FileStatus(f), f.PublishAt, f.PublishAt, f.UpdatedAt, f.Path, null, true,
            f.SourceFile, f.RedirectFrom));
    }

    private static async Task<List<string>> RedirectsOf(CommunityDb db, int id, CancellationToken ct) =>
        await db.Set<StorySlugRedirect>().Where(r => r.StoryId == id).OrderBy(r => r.Id).Select(r => r.OldSlug).ToListAsync(ct);

    private static async Task<Results<Created<StoryDto>, ValidationProblem, ProblemHttpResult>> Create(
        StoryInput input, ClaimsPrincipal user, UserManager<Member> users, CommunityDb db, StoryMarkdown markdown, MediaLibrary media,
        ContentFiles files, StoryCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var errors = await ValidateAsync(input, users, markdown, media, ct);
        if (errors.Any) return errors.ToProblem();
        var slug = string.IsNullOrWhiteSpace(input.Slug) ? Slugs.From(input.Title!) : input.Slug.Trim();
        if (await SlugTakenAsync(db, files, slug, null, ct))
        {
            return SlugConflict(slug, await SuggestAsync(db, files, slug, null, ct));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var story = new Story
        {
            CreatedAt = now,
            UpdatedAt = now,
            AuthorId = users.GetUserId(user),
            PreviewToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_'),
        };
        input.ApplyTo(story, slug);
        // The story and its first revision stand or fall together.
        await using var write = await db.BeginWriteAsync(ct);
        db.Add(story);
        await db.SaveChangesAsync(ct);
        await AddRevisionAsync(db, story, users.GetUserId(user), now, ct);
        await write.CommitAsync(ct);
        return TypedResults.Created($"/api/stories/{story.Id}", ToDto(story, []));
    }

    private static async Task<Results<Ok<StoryDto>, ValidationProblem, ProblemHttpResult>> Update(
        int id, StoryInput input, ClaimsPrincipal user, UserManager<Member> users, CommunityDb db, StoryMarkdown markdown, MediaLibrary media,
        ContentFiles files, StoryCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var story = await db.Set<Story>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (story is null) return Problems.NotFound("No story with that id.");
        return await SaveAsync(story, input, users.GetUserId(user), users, db, markdown, media, files, catalog, clock, ct);
    }

    private static async Task<Results<Ok<StoryDto>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Story story, StoryInput input, string? userId, UserManager<Member> users, CommunityDb db, StoryMarkdown markdown, MediaLibrary media,
        ContentFiles files, StoryCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var errors = await ValidateAsync(input, users, markdown, media, ct);
        if (errors.Any) return errors.ToProblem();
        var slug = string.IsNullOrWhiteSpace(input.Slug) ? story.Slug : input.Slug.Trim();
        // The redirects, the story and its next revision number are decided and written in one turn.
        await using var write = await db.BeginWriteAsync(ct);
        if (slug != story.Slug)
        {
            if (await SlugTakenAsync(db, files, slug, story.Id, ct))
            {
                return SlugConflict(slug, await SuggestAsync(db, files, slug, story.Id, ct));
            }
            // A story that has been public keeps its old address working; a draft's old slug was never shared.
            if (story.PublishedAt is not null || story.Status != StoryStatus.Draft)
            {
                if (!await db.Set<StorySlugRedirect>().AnyAsync(r => r.OldSlug == story.Slug, ct))
                {
                    db.Add(new StorySlugRedirect { OldSlug = story.Slug, StoryId = story.Id, CreatedAt = clock.GetUtcNow().UtcDateTime });
                }
            }
            await db.Set<StorySlugRedirect>().Where(r => r.OldSlug == slug && r.StoryId == story.Id).ExecuteDeleteAsync(ct);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        input.ApplyTo(story, slug);
        story.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await AddRevisionAsync(db, story, userId, now, ct);
        await write.CommitAsync(ct);
        catalog.Invalidate();
        return TypedResults.Ok(ToDto(story, await RedirectsOf(db, story.Id, ct)));
    }

    private static async Task AddRevisionAsync(CommunityDb db, Story story, string? userId, DateTime now, CancellationToken ct)
    {
        var number = (await db.Set<StoryRevision>().Where(r => r.StoryId == story.Id).MaxAsync(r => (int?)r.Number, ct) ?? 0) + 1;
        db.Add(new StoryRevision
        {
            StoryId = story.Id,
            Number = number,
            Title = story.Title,
            SnapshotJson = JsonSerializer.Serialize(StoryInput.From(story), JsonSerializerOptions.Web),
            CreatedAt = now,
            AuthorId = userId,
        });
        await db.SaveChangesAsync(ct);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(int id, CommunityDb db, StoryCatalog catalog, CancellationToken ct)
    {
        var deleted = await db.Set<Story>().Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        if (deleted == 0) return Problems.NotFound("No story with that id.");
        catalog.Invalidate();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<RevisionDto>>, ProblemHttpResult>> Revisions(int id, CommunityDb db, CancellationToken ct)
    {
        if (!await db.Set<Story>().AnyAsync(s => s.Id == id, ct)) return Problems.NotFound("No story with that id.");
        var list = await db.Set<StoryRevision>().Where(r => r.StoryId == id).OrderByDescending(r => r.Number)
            .Select(r => new RevisionDto(r.Number, r.Title, r.CreatedAt)).ToListAsync(ct);
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<StoryDto>, ValidationProblem, ProblemHttpResult>> Restore(
        int id, int number, ClaimsPrincipal user, UserManager<Member> users, CommunityDb db, StoryMarkdown markdown, MediaLibrary media,
        ContentFiles files, StoryCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var story = await db.Set<Story>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (story is null) return Problems.NotFound("No story with that id.");
        var revision = await db.Set<StoryRevision>().AsNoTracking().FirstOrDefaultAsync(r => r.StoryId == id && r.Number == number, ct);
        if (revision is null) return Problems.NotFound("No revision with that number.");
        var input = JsonSerializer.Deserialize<StoryInput>(revision.SnapshotJson, JsonSerializerOptions.Web)!;
        // Restoring content never moves the story's address: the current slug stays.
        return await SaveAsync(story, input with { Slug = story.Slug }, users.GetUserId(user), users, db, markdown, media, files, catalog,
            clock, ct);
    }
}
