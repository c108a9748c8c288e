namespace Community.Web.Infrastructure.Pages;

/// <summary>One entry of sitemap.xml. <c>Loc</c> may be a site path ("/spotlights/x"); the endpoint makes it absolute.</summary>
public sealed record SitemapEntry(string Loc, DateTime? LastModified);

/// <summary>A feature's public URLs for sitemap.xml. Register implementations as <c>ISitemapSource</c>; the sitemap aggregates all.</summary>
public interface ISitemapSource
{
    IAsyncEnumerable<SitemapEntry> EntriesAsync(CancellationToken ct);
}
