using System.Security.Claims;

namespace Community.Web.Features.Forums;

/// <summary>
/// Browsing: the categories the caller may read (GET /api/categories, /api/categories/{slug}), a category's threads a page
/// at a time (GET /api/categories/{slug}/threads) and the latest public threads for the home page (GET /api/activity).
/// </summary>
public static class BrowseCategories
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/categories", async (ClaimsPrincipal user, ForumQueries q, CancellationToken ct) =>
        {
            var viewer = ForumViewer.From(user);
            if (!viewer.SignedIn) return (IResult)ReadThread.Json(await q.AnonymousCategoriesAsync(ct));
            return TypedResults.Ok(await q.CategoriesAsync(viewer, ct));
        });
        api.MapGet("/categories/{slug}", async Task<Results<Ok<CategoryDto>, ProblemHttpResult>> (string slug, ClaimsPrincipal user, ForumQueries q,
            CancellationToken ct) =>
        {
            var found = (await q.CategoriesAsync(ForumViewer.From(user), ct)).FirstOrDefault(c => string.Equals(c.Slug, slug,
                StringComparison.OrdinalIgnoreCase));
            return found is null ? ForumProblems.NotFound("category") : TypedResults.Ok(found);
        });
        api.MapGet("/categories/{slug}/threads", async Task<Results<Ok<List<ThreadSummary>>, ProblemHttpResult>> (
            string slug, int? page, HttpContext http, ForumReader reader, ForumQueries q, CancellationToken ct) =>
        {
            var viewer = ForumViewer.From(http.User);
            var category = await reader.CategoryBySlugAsync(slug, ct);
            if (category is null || !viewer.CanRead(category)) return ForumProblems.NotFound("category");
            var (threads, more) = await q.ThreadsAsync(viewer, category, page ?? 1, ct);
            // RFC 8288: the client shows "Show more threads" only when there is a next page.
            var next = $"/api/categories/{Uri.EscapeDataString(category.Slug)}/threads?page={(page ?? 1) + 1}";
            if (more) http.Response.Headers.Link = $"<{next}>; rel=\"next\"";
            return TypedResults.Ok(threads);
        });
        api.MapGet("/activity", async (ForumQueries q, CancellationToken ct) => ReadThread.Json(await q.ActivityAsync(ct)));
    }
}
