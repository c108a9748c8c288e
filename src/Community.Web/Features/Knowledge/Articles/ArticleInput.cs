using System.Text;
using Community.Web.Data;
using Community.Web.Features.Publishing;
using Community.Web.Infrastructure.Markdown;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge.Articles;

/// <summary>What staff send to create or save an article.</summary>
public sealed record ArticleInput(int? SectionId, string? Slug, string? Title, string? Summary, string? Body);

public sealed record ArticleDto(int Id, int SectionId, string Slug, string Title, string Summary, string Body, string Status,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? PublishedAt, string Url, string? SourceUrl, IReadOnlyList<string> RedirectFrom);

public sealed record RevisionDto(int Number, string Title, DateTime CreatedAt, string? AuthorName);

internal static class ArticleRules
{
    /// <summary>Field rules, a section that exists, and Markdown within the limits posts have (size and nesting), rendered once.</summary>
    public static async Task<(FieldErrors Errors, string Html)> ValidateAsync(ArticleInput input, CommunityDb db, StoryMarkdown markdown,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("title", input.Title, 1, KbRules.TitleMax, "Title");
        errors.Text("summary", input.Summary, 0, KbRules.SummaryMax, "Summary");
        if (!string.IsNullOrWhiteSpace(input.Slug) && (!Slugs.IsValid(input.Slug.Trim()) || KbRules.ReservedSlugs.Contains(input.Slug.Trim())))
            errors.Add("slug", "Use lowercase letters, digits and single hyphens (e.g. export-your-data).");
        if (input.SectionId is not { } sectionId || !await db.Set<KbSection>().AnyAsync(s => s.Id == sectionId, ct))
            errors.Add("sectionId", "Choose a section.");
        var body = input.Body ?? "";
        if (string.IsNullOrWhiteSpace(body)) errors.Add("body", "Write the article.");
        else if (Encoding.UTF8.GetByteCount(body) > MarkdownRenderer.MaxBytes)
            errors.Add("body", $"The text is larger than {MarkdownRenderer.MaxBytes / 1024} KiB.");
        if (errors.Any) return (errors, "");
        try
        {
            return (errors, markdown.ToHtml(body));
        }
        catch (StoryMarkdownException e)
        {
            errors.Add("body", e.Message);
            return (errors, "");
        }
    }

    public static ArticleDto ToDto(KbArticle a, string sectionSlug, IReadOnlyList<string> redirects) => new(a.Id, a.SectionId, a.Slug, a.Title,
        a.Summary, a.Body, a.Status, a.CreatedAt, a.UpdatedAt, a.PublishedAt, $"/kb/{sectionSlug}/{a.Slug}", a.SourceUrl, redirects);

    public static async Task<ArticleDto> DtoAsync(CommunityDb db, KbArticle a, CancellationToken ct)
    {
        var section = await db.Set<KbSection>().Where(s => s.Id == a.SectionId).Select(s => s.Slug).FirstAsync(ct);
        var redirects = await db.Set<KbSlugRedirect>().Where(r => r.ArticleId == a.Id).OrderBy(r => r.Id).Select(r => r.OldSlug).ToListAsync(ct);
        return ToDto(a, section, redirects);
    }

    /// <summary>Taken by another article, or an old address another article keeps.</summary>
    public static async Task<bool> SlugTakenAsync(CommunityDb db, string slug, int? exceptId, CancellationToken ct) =>
        await db.Set<KbArticle>().AnyAsync(a => a.Slug == slug && a.Id != exceptId, ct)
        || await db.Set<KbSlugRedirect>().AnyAsync(r => r.OldSlug == slug && r.ArticleId != exceptId, ct);

    public static async Task<string> FreeSlugAsync(CommunityDb db, string stem, CancellationToken ct)
    {
        if (KbRules.ReservedSlugs.Contains(stem)) stem += "-article";
        var slug = stem;
        for (var n = 2; await SlugTakenAsync(db, slug, null, ct); n++) slug = $"{stem}-{n}";
        return slug;
    }

    public static ProblemHttpResult SlugConflict(string slug) => Problems.Conflict($"The slug '{slug}' is already used.",
        new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["slug"] = [$"'{slug}' is already used."] } });

    /// <summary>
    /// Saves, or answers false when a unique slug was taken meanwhile (two servers racing for one slug: the database decides).
    /// The caller's write transaction is then rolled back when it is disposed.
    /// </summary>
    public static async Task<bool> TrySaveAsync(CommunityDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return false;
        }
    }

    /// <summary>Keeps what was saved as the article's next revision (inside the caller's write transaction).</summary>
    public static async Task AddRevisionAsync(CommunityDb db, KbArticle a, string? authorId, DateTime now, CancellationToken ct)
    {
        var number = (await db.Set<KbArticleRevision>().Where(r => r.ArticleId == a.Id).MaxAsync(r => (int?)r.Number, ct) ?? 0) + 1;
        db.Add(new KbArticleRevision
        {
            ArticleId = a.Id, Number = number, Title = a.Title, Summary = a.Summary, Body = a.Body, AuthorId = authorId, CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
    }
}
