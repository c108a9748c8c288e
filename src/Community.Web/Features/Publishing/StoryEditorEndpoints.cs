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
        var list = rows.Select(s => new StorySummaryDto(s.Id, s.Kind, s.Slug, s.Title, s.Customer, s.Status, s.PublishAt, s.UpdatedAt, StoryKinds.ListPath(s.Kind) + "/" + s.Slug, false, null))
            .Concat(fileStories.Select(f => new StorySummaryDto(null, f.Kind, f.Slug, f.Title, f.Customer, f.Status == StoryStatus.Draft ? StoryStatus.Draft : StoryStatus.Published, f.PublishAt, f.UpdatedAt, f.Path, true, f.SourceFile)))
            .ToList();
        return TypedResults.Ok(new StoryListDto(list, errors));
    }

    private static async Task<Results<Ok<StoryDto>, ProblemHttpResult>> Get(int id, CommunityDb db, CancellationToken ct)
    {
        var story = await db.Set<Story>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (story is null) return Problems.NotFound("No story with that id.");
        return TypedResults.Ok(ToDto(story, await RedirectsOf(db, id, ct)));
    }

    private static async Task<Results<Ok<StoryDto>, ProblemHttpResult>> GetFile(string slug, ContentFiles files, MediaLibrary media, CancellationToken ct)
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
            PersonName = f.PersonName, PersonRole = f.PersonRole, Quote = f.Quote, Challenge = f.Challenge, Solution = f.Solution, Results = f.Results,
            Metrics = f.Metrics, CtaLabel = f.CtaLabel, CtaUrl = f.CtaUrl, HeroImage = f.HeroImage, HeroAlt = f.HeroAlt, LogoImage = f.LogoImage,
            Industry = f.Industry, CompanySize = f.CompanySize, ProductArea = f.ProductArea, FeaturedMember = f.FeaturedMember, CreditReferralCode = f.CreditReferralCode,
        };
        return TypedResults.Ok(new StoryDto(null, fields, f.Status == StoryStatus.Draft ? StoryStatus.Draft : StoryStatus.Published, f.PublishAt, f.PublishAt, f.UpdatedAt, f.Path, null, true, f.SourceFile, f.RedirectFrom));
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
        db.Add(story);
        await db.SaveChangesAsync(ct);
        await AddRevisionAsync(db, story, users.GetUserId(user), now, ct);
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
        if (slug != story.Slug)
        {
            if (await SlugTakenAsync(db, files, slug, story.Id, ct)) return SlugConflict(slug, await SuggestAsync(db, files, slug, story.Id, ct));
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

    private static async Task<Results<Ok<PublishResponse>, ValidationProblem, ProblemHttpResult>> Publish(
        int id, PublishRequest? request, CommunityDb db, StoryCatalog catalog, TimeProvider clock, CancellationToken ct)
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
            story.Status = StoryStatus.Published;
            story.PublishAt = null;
            story.PublishedAt ??= now;
            message = request?.PublishAt is not null ? "The time you chose has already passed, so the story was published now." : "Published.";
        }
        story.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        catalog.Invalidate();
        return TypedResults.Ok(new PublishResponse(ToDto(story, await RedirectsOf(db, id, ct)), message));
    }

    private static DateTime ToUtc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => t,
        DateTimeKind.Local => t.ToUniversalTime(),
        _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
    };

    private static async Task<Results<Ok<StoryDto>, ProblemHttpResult>> Unpublish(int id, CommunityDb db, StoryCatalog catalog, TimeProvider clock, CancellationToken ct)
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
        return await SaveAsync(story, input with { Slug = story.Slug }, users.GetUserId(user), users, db, markdown, media, files, catalog, clock, ct);
    }

    private static async Task<FieldErrors> ValidateAsync(StoryInput input, UserManager<Member> users, StoryMarkdown markdown, MediaLibrary media, CancellationToken ct)
    {
        await media.EnsureLoadedAsync(ct);
        var errors = new FieldErrors();
        if (!StoryKinds.IsValid(input.Kind)) errors.Add("kind", "Choose spotlight or case-study.");
        errors.Text("title", input.Title, 1, StoryRules.TitleMax, "Title");
        errors.Text("customer", input.Customer, 1, StoryRules.CustomerMax, "Customer");
        errors.Text("summary", input.Summary, 0, StoryRules.SummaryMax, "Summary");
        if ((input.Body?.Length ?? 0) > StoryRules.BodyMax) errors.Add("body", $"Story text must be at most {StoryRules.BodyMax} characters.");
        if (!string.IsNullOrWhiteSpace(input.Slug) && !Slugs.IsValid(input.Slug.Trim()))
            errors.Add("slug", "Use lowercase letters, digits and single hyphens (e.g. northwind-cuts-churn).");
        errors.Text("personName", input.PersonName, 0, StoryRules.ShortMax, "Person");
        errors.Text("personRole", input.PersonRole, 0, StoryRules.ShortMax, "Role");
        errors.Text("quote", input.Quote, 0, StoryRules.QuoteMax, "Quote");
        errors.Text("challenge", input.Challenge, 0, StoryRules.SectionMax, "Challenge");
        errors.Text("solution", input.Solution, 0, StoryRules.SectionMax, "Solution");
        errors.Text("results", input.Results, 0, StoryRules.SectionMax, "Results");
        errors.Text("industry", input.Industry, 0, 60, "Industry");
        errors.Text("companySize", input.CompanySize, 0, 30, "Company size");
        errors.Text("productArea", input.ProductArea, 0, 60, "Product area");
        errors.Text("heroAlt", input.HeroAlt, 0, 300, "Image description");
        errors.Text("ctaLabel", input.CtaLabel, 0, 80, "Call to action label");
        var metrics = (input.Metrics ?? []).Where(m => !string.IsNullOrWhiteSpace(m.Value) || !string.IsNullOrWhiteSpace(m.Label)).ToList();
        if (metrics.Count > 4) errors.Add("metrics", "Use at most 4 key metrics.");
        if (metrics.Any(m => string.IsNullOrWhiteSpace(m.Value) || string.IsNullOrWhiteSpace(m.Label) || m.Value.Length > 20 || m.Label.Length > 60))
            errors.Add("metrics", "Each metric needs a value (up to 20 characters, e.g. 42%) and a label (up to 60).");
        if (!string.IsNullOrWhiteSpace(input.CtaUrl) && (input.CtaUrl.Length > StoryRules.UrlMax || !StoryMarkdown.IsSafeLink(input.CtaUrl)))
            errors.Add("ctaUrl", "Use an https:// address or a path on this site.");
        if (!string.IsNullOrWhiteSpace(input.CtaUrl) && string.IsNullOrWhiteSpace(input.CtaLabel)) errors.Add("ctaLabel", "Give the call to action a label.");
        if (!string.IsNullOrWhiteSpace(input.HeroImage) && media.Find(input.HeroImage.Trim()) is null) errors.Add("heroImage", "Upload the hero image first.");
        if (!string.IsNullOrWhiteSpace(input.LogoImage) && media.Find(input.LogoImage.Trim()) is null) errors.Add("logoImage", "Upload the logo first.");
        if (!string.IsNullOrWhiteSpace(input.CreditReferralCode) && !ReferralCodeShape().IsMatch(input.CreditReferralCode.Trim()))
            errors.Add("creditReferralCode", "Use up to 64 letters, digits, _ or -.");
        if (!string.IsNullOrWhiteSpace(input.FeaturedMember) && await users.FindByNameAsync(input.FeaturedMember.Trim().ToLowerInvariant()) is null)
            errors.Add("featuredMember", "No member has that username.");
        if (errors.Any) return errors;
        try
        {
            markdown.ToHtml(input.Body);
            markdown.ToHtml(input.Challenge);
            markdown.ToHtml(input.Solution);
            markdown.ToHtml(input.Results);
        }
        catch (StoryMarkdownException e)
        {
            errors.Add("body", e.Message);
        }
        return errors;
    }

    private static async Task<bool> SlugTakenAsync(CommunityDb db, ContentFiles files, string slug, int? exceptId, CancellationToken ct)
    {
        if (await db.Set<Story>().AnyAsync(s => s.Slug == slug && s.Id != exceptId, ct)) return true;
        if (await db.Set<StorySlugRedirect>().AnyAsync(r => r.OldSlug == slug && r.StoryId != exceptId, ct)) return true;
        var (stories, _) = await files.LoadAsync(ct);
        return stories.Any(s => s.Slug == slug || s.RedirectFrom.Contains(slug));
    }

    private static async Task<string> SuggestAsync(CommunityDb db, ContentFiles files, string slug, int? exceptId, CancellationToken ct)
    {
        var stem = TrailingNumber().Replace(slug, "");
        for (var n = 2; ; n++)
        {
            var candidate = $"{stem}-{n}";
            if (!await SlugTakenAsync(db, files, candidate, exceptId, ct)) return candidate;
        }
    }

    private static ProblemHttpResult SlugConflict(string slug, string suggestion) => Problems.Conflict(
        $"The slug '{slug}' is already used. Try '{suggestion}'.",
        new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["slug"] = [$"'{slug}' is already used. Try '{suggestion}'."] },
            ["suggestion"] = suggestion,
        });

    [GeneratedRegex(@"-\d+\z")]
    private static partial Regex TrailingNumber();

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex ReferralCodeShape();
}
