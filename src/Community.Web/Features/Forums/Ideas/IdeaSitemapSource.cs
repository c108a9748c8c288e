using System.Runtime.CompilerServices;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Forums;

/// <summary>/ideas and /roadmap in sitemap.xml while a public Ideas category exists (the ideas themselves are threads: the forum's source
/// lists them).</summary>
internal sealed class IdeaSitemapSource(ForumReader reader) : ISitemapSource
{
    public async IAsyncEnumerable<SitemapEntry> EntriesAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (!(await reader.CategoriesAsync(ct)).Values.Any(c => c.IsIdeas && !c.IsPrivate)) yield break;
        yield return new SitemapEntry("/ideas", null);
        yield return new SitemapEntry("/roadmap", null);
    }
}
