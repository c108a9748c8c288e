using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Knowledge.Search;
using Community.Web.Features.Publishing;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge.Articles;

public sealed record ArticleSummaryDto(int Id, int SectionId, string Slug, string Title, string Status, DateTime UpdatedAt, string Url,
    int Helpful, int NotHelpful, int Comments, bool Promoted);

/// <summary>Staff write articles: list (drafts too, with helpfulness), read, create a draft, save (each save is a revision; a slug
/// change on an article that has been public keeps the old address as a 301), and the list of revisions.</summary>
internal static class EditArticles
{
    public static void Map(RouteGroupBuilder staff)
    {
        staff.MapGet("/articles", List);
        staff.MapGet("/articles/{id:int}", Get);
        staff.MapPost("/articles", Create);
        staff.MapPut("/articles/{id:int}", Update);
        staff.MapGet("/articles/{id:int}/revisions", Revisions);
    }

    private static async Task<Ok<List<ArticleSummaryDto>>> List(CommunityDb db, CancellationToken ct)
    {
        var votes = await db.Set<KbFeedback>().GroupBy(f => f.ArticleId)
            .Select(g => new { Id = g.Key, Yes = g.Count(f => f.Helpful), No = g.Count(f => !f.Helpful), Comments = g.Count(f => f.Comment != null) })
            .ToDictionaryAsync(x => x.Id, ct);
        var rows = await (from a in db.Set<KbArticle>().AsNoTracking()
                          join s in db.Set<KbSection>() on a.SectionId equals s.Id
                          orderby a.UpdatedAt descending
                          select new { a.Id, a.SectionId, a.Slug, a.Title, a.Status, a.UpdatedAt, Section = s.Slug, a.SourceThreadId })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(a =>
        {
            var v = votes.GetValueOrDefault(a.Id);
            return new ArticleSummaryDto(a.Id, a.SectionId, a.Slug, a.Title, a.Status, a.UpdatedAt, $"/kb/{a.Section}/{a.Slug}",
                v?.Yes ?? 0, v?.No ?? 0, v?.Comments ?? 0, a.SourceThreadId is not null);
        }).ToList());
    }

    private static async Task<Results<Ok<ArticleDto>, ProblemHttpResult>> Get(int id, CommunityDb db, CancellationToken ct)
    {
        var article = await db.Set<KbArticle>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null) return Problems.NotFound("No article with that id.");
        return TypedResults.Ok(await ArticleRules.DtoAsync(db, article, ct));
    }

    private static async Task<Results<Created<ArticleDto>, ValidationProblem, ProblemHttpResult>> Create(ArticleInput input, ClaimsPrincipal user,
        CommunityDb db, StoryMarkdown markdown, TimeProvider clock, CancellationToken ct)
    {
        var (errors, html) = await ArticleRules.ValidateAsync(input, db, markdown, ct);
        if (errors.Any) return errors.ToProblem();
        var now = clock.GetUtcNow().UtcDateTime;
        var authorId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var write = await db.BeginWriteAsync(ct);
        var slug = string.IsNullOrWhiteSpace(input.Slug) ? await ArticleRules.FreeSlugAsync(db, Slugs.From(input.Title!), ct) : input.Slug.Trim();
        if (await ArticleRules.SlugTakenAsync(db, slug, null, ct)) return ArticleRules.SlugConflict(slug);
        var article = new KbArticle
        {
            SectionId = input.SectionId!.Value, Slug = slug, Title = input.Title!.Trim(), Summary = input.Summary?.Trim() ?? "",
            Body = input.Body!, Html = html, Status = KbStatus.Draft, AuthorId = authorId, CreatedAt = now, UpdatedAt = now,
        };
        db.Add(article);
        if (!await ArticleRules.TrySaveAsync(db, ct)) return ArticleRules.SlugConflict(slug);
        await ArticleRules.AddRevisionAsync(db, article, authorId, now, ct);
        await write.CommitAsync(ct);
        return TypedResults.Created($"/api/kb/articles/{article.Id}", await ArticleRules.DtoAsync(db, article, ct));
    }

    private static async Task<Results<Ok<ArticleDto>, ValidationProblem, ProblemHttpResult>> Update(int id, ArticleInput input,
        ClaimsPrincipal user, CommunityDb db, StoryMarkdown markdown, IArticleSearch search, KbCatalog catalog, TimeProvider clock,
        CancellationToken ct)
    {
        var (errors, html) = await ArticleRules.ValidateAsync(input, db, markdown, ct);
        if (errors.Any) return errors.ToProblem();
        var now = clock.GetUtcNow().UtcDateTime;
        var authorId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        // The redirect, the article, its index row and its next revision are decided and written in one turn.
        await using var write = await db.BeginWriteAsync(ct);
        var article = await db.Set<KbArticle>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null) return Problems.NotFound("No article with that id.");
        var slug = string.IsNullOrWhiteSpace(input.Slug) ? article.Slug : input.Slug.Trim();
        if (slug != article.Slug)
        {
            if (await ArticleRules.SlugTakenAsync(db, slug, article.Id, ct)) return ArticleRules.SlugConflict(slug);
            // An article that has been public keeps its old address working; a draft's old slug was never shared.
            if (article.PublishedAt is not null && !await db.Set<KbSlugRedirect>().AnyAsync(r => r.OldSlug == article.Slug, ct))
            {
                db.Add(new KbSlugRedirect { OldSlug = article.Slug, ArticleId = article.Id, CreatedAt = now });
            }
            await db.Set<KbSlugRedirect>().Where(r => r.OldSlug == slug && r.ArticleId == article.Id).ExecuteDeleteAsync(ct);
        }
        article.SectionId = input.SectionId!.Value;
        article.Slug = slug;
        article.Title = input.Title!.Trim();
        article.Summary = input.Summary?.Trim() ?? "";
        article.Body = input.Body!;
        article.Html = html;
        article.UpdatedAt = now;
        if (!await ArticleRules.TrySaveAsync(db, ct)) return ArticleRules.SlugConflict(slug);
        if (article.Status == KbStatus.Published) await search.IndexAsync(db, article, ct);
        await ArticleRules.AddRevisionAsync(db, article, authorId, now, ct);
        await write.CommitAsync(ct);
        catalog.Invalidate();
        return TypedResults.Ok(await ArticleRules.DtoAsync(db, article, ct));
    }

    private static async Task<Results<Ok<List<RevisionDto>>, ProblemHttpResult>> Revisions(int id, CommunityDb db, IMemberDirectory members,
        CancellationToken ct)
    {
        if (!await db.Set<KbArticle>().AnyAsync(a => a.Id == id, ct)) return Problems.NotFound("No article with that id.");
        var rows = await db.Set<KbArticleRevision>().AsNoTracking().Where(r => r.ArticleId == id).OrderByDescending(r => r.Number).ToListAsync(ct);
        var authors = await members.FindManyAsync(rows.Select(r => r.AuthorId).OfType<string>().Distinct(), ct);
        return TypedResults.Ok(rows.Select(r => new RevisionDto(r.Number, r.Title, r.CreatedAt,
            r.AuthorId is { } a ? authors.GetValueOrDefault(a)?.DisplayName : null)).ToList());
    }
}
