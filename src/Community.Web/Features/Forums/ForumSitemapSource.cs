using System.Runtime.CompilerServices;
using Community.Web.Data;
using Community.Web.Infrastructure.Pages;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>The forum index, public categories and the latest public threads for sitemap.xml. Private categories never appear.</summary>
internal sealed class ForumSitemapSource(IServiceScopeFactory scopes, ForumReader reader) : ISitemapSource
{
    private const int MaxThreads = 20_000;

    public async IAsyncEnumerable<SitemapEntry> EntriesAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var open = (await reader.CategoriesAsync(ct)).Values.Where(c => !c.IsPrivate).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var ids = open.Select(c => c.Id).ToList();
        var latest = await db.Set<ForumCategory>().AsNoTracking().Where(c => ids.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.LastActivityAt, ct);
        yield return new SitemapEntry("/forums", latest.Values.Max());
        foreach (var c in open) yield return new SitemapEntry("/c/" + c.Slug, latest.GetValueOrDefault(c.Id));
        var threads = await db.Set<ForumThread>().AsNoTracking().Where(t => !t.IsDeleted && ids.Contains(t.CategoryId))
            .OrderByDescending(t => t.LastPostAt).Take(MaxThreads).Select(t => new { t.Id, t.Slug, t.LastPostAt }).ToListAsync(ct);
        foreach (var t in threads) yield return new SitemapEntry(ForumReader.ThreadUrl(t.Id, t.Slug), t.LastPostAt);
    }
}
