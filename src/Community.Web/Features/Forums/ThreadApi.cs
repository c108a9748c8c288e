using System.Globalization;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

public sealed record ApiThread(long Id, string Title, string Url, int CategoryId, string CategorySlug, string AuthorId, string? AuthorExternalId,
    string Summary, int Posts, int? AcceptedSeq, DateTime CreatedAt, DateTime LastPostAt);

/// <summary>GET /api/v1/threads?category=&amp;after=&amp;limit= (API key with forums:read): threads of public categories only, oldest
/// first. A key is not a member, so it sees what an anonymous visitor sees.</summary>
internal static class ThreadApi
{
    public const int MaxLimit = 500;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/threads", List).WithTags("Integrations").RequireApiScope(ApiScopes.ForumsRead);

    private static async Task<Results<Ok<ApiPage<ApiThread>>, ValidationProblem>> List(string? category, long? after, int? limit, CommunityDb db,
        ForumReader reader, IMemberDirectory members, PublicUrls urls, CancellationToken ct)
    {
        var take = limit ?? 100;
        if (take is < 1 or > MaxLimit) return new FieldErrors().Add("limit", $"Between 1 and {MaxLimit}.").ToProblem();
        var categories = (await reader.CategoriesAsync(ct)).Values.Where(c => !c.IsPrivate)
            .Where(c => string.IsNullOrEmpty(category) || string.Equals(c.Slug, category, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(c => c.Id);
        var ids = categories.Keys.ToArray();
        var from = after ?? 0;
        var rows = await db.Set<ForumThread>().AsNoTracking().Where(t => t.Id > from && !t.IsDeleted && ids.Contains(t.CategoryId))
            .OrderBy(t => t.Id).Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).ToList();
        var authors = await members.FindManyAsync(page.Select(t => t.AuthorId), ct);
        var items = page.ConvertAll(t => new ApiThread(t.Id, t.Title, urls.Absolute(ForumReader.ThreadUrl(t.Id, t.Slug)), t.CategoryId,
            categories[t.CategoryId].Slug, t.AuthorId, authors.GetValueOrDefault(t.AuthorId)?.ExternalId, t.Summary, t.LastSeq, t.AcceptedSeq,
            t.CreatedAt, t.LastPostAt));
        return TypedResults.Ok(new ApiPage<ApiThread>(items, rows.Count > take ? items[^1].Id.ToString(CultureInfo.InvariantCulture) : null));
    }
}
