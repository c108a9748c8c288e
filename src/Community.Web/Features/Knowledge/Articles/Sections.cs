using Community.Web.Data;
using Community.Web.Features.Publishing;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge.Articles;

public sealed record SectionInput(string? Title, string? Slug, string? Description, int? Position);
public sealed record SectionDto(int Id, string Slug, string Title, string Description, int Position);

/// <summary>Sections: anyone lists them; staff create and edit them.</summary>
internal static class Sections
{
    public static void Map(RouteGroupBuilder api, RouteGroupBuilder staff)
    {
        api.MapGet("/sections", async (CommunityDb db, CancellationToken ct) => TypedResults.Ok(await db.Set<KbSection>().AsNoTracking()
            .OrderBy(s => s.Position).ThenBy(s => s.Title).Select(s => new SectionDto(s.Id, s.Slug, s.Title, s.Description, s.Position))
            .ToListAsync(ct)));
        staff.MapPost("/sections", Create);
        staff.MapPatch("/sections/{id:int}", Update);
    }

    private static FieldErrors Validate(SectionInput input)
    {
        var errors = new FieldErrors();
        errors.Text("title", input.Title, 1, KbRules.SectionTitleMax, "Title");
        errors.Text("description", input.Description, 0, KbRules.DescriptionMax, "Description");
        if (!string.IsNullOrWhiteSpace(input.Slug) && (!Slugs.IsValid(input.Slug.Trim()) || KbRules.ReservedSlugs.Contains(input.Slug.Trim())))
            errors.Add("slug", "Use lowercase letters, digits and single hyphens; 'manage' and 'search' are taken.");
        return errors;
    }

    private static async Task<Results<Created<SectionDto>, ValidationProblem, ProblemHttpResult>> Create(SectionInput input, CommunityDb db,
        KbCatalog catalog, CancellationToken ct)
    {
        var errors = Validate(input);
        if (errors.Any) return errors.ToProblem();
        var slug = string.IsNullOrWhiteSpace(input.Slug) ? Slugs.From(input.Title!) : input.Slug.Trim();
        if (KbRules.ReservedSlugs.Contains(slug)) slug += "-help";
        var section = new KbSection
        {
            Slug = slug, Title = input.Title!.Trim(), Description = input.Description?.Trim() ?? "", Position = input.Position ?? 0,
        };
        db.Add(section);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Problems.Conflict($"The slug '{slug}' is already used.");
        }
        catalog.Invalidate();
        return TypedResults.Created($"/kb/{slug}", new SectionDto(section.Id, section.Slug, section.Title, section.Description, section.Position));
    }

    private static async Task<Results<Ok<SectionDto>, ValidationProblem, ProblemHttpResult>> Update(int id, SectionInput input, CommunityDb db,
        KbCatalog catalog, CancellationToken ct)
    {
        var errors = Validate(input);
        if (errors.Any) return errors.ToProblem();
        var section = await db.Set<KbSection>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (section is null) return Problems.NotFound("No section with that id.");
        section.Title = input.Title!.Trim();
        section.Description = input.Description?.Trim() ?? "";
        if (!string.IsNullOrWhiteSpace(input.Slug)) section.Slug = input.Slug.Trim();
        if (input.Position is { } position) section.Position = position;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Problems.Conflict($"The slug '{section.Slug}' is already used.");
        }
        catalog.Invalidate();
        return TypedResults.Ok(new SectionDto(section.Id, section.Slug, section.Title, section.Description, section.Position));
    }
}
