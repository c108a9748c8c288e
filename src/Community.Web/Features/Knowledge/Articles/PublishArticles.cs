using Community.Web.Data;
using Community.Web.Features.Knowledge.Search;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge.Articles;

/// <summary>Publishing puts an article on its public page and in search; unpublishing turns it back into a draft; delete removes it.</summary>
internal static class PublishArticles
{
    public static void Map(RouteGroupBuilder staff)
    {
        staff.MapPost("/articles/{id:int}/publish", (int id, CommunityDb db, IArticleSearch search, KbCatalog catalog, TimeProvider clock,
            CancellationToken ct) => SetAsync(id, true, db, search, catalog, clock, ct));
        staff.MapPost("/articles/{id:int}/unpublish", (int id, CommunityDb db, IArticleSearch search, KbCatalog catalog, TimeProvider clock,
            CancellationToken ct) => SetAsync(id, false, db, search, catalog, clock, ct));
        staff.MapDelete("/articles/{id:int}", Delete);
    }

    private static async Task<Results<Ok<ArticleDto>, ProblemHttpResult>> SetAsync(int id, bool publish, CommunityDb db, IArticleSearch search,
        KbCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        await using var write = await db.BeginWriteAsync(ct);
        var article = await db.Set<KbArticle>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null) return Problems.NotFound("No article with that id.");
        var now = clock.GetUtcNow().UtcDateTime;
        article.Status = publish ? KbStatus.Published : KbStatus.Draft;
        if (publish) article.PublishedAt ??= now;
        article.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        if (publish) await search.IndexAsync(db, article, ct);
        else await search.RemoveAsync(db, article.Id, ct);
        await write.CommitAsync(ct);
        catalog.Invalidate();
        return TypedResults.Ok(await ArticleRules.DtoAsync(db, article, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(int id, CommunityDb db, IArticleSearch search, KbCatalog catalog,
        CancellationToken ct)
    {
        await using var write = await db.BeginWriteAsync(ct);
        await search.RemoveAsync(db, id, ct);
        var deleted = await db.Set<KbArticle>().Where(a => a.Id == id).ExecuteDeleteAsync(ct);
        if (deleted == 0) return Problems.NotFound("No article with that id.");
        await write.CommitAsync(ct);
        catalog.Invalidate();
        return TypedResults.NoContent();
    }
}
