using Community.Web.Data;
using Community.Web.Features.Forums;
using Community.Web.Features.Publishing;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;

namespace Community.Web.Features.Knowledge.Search;

public static class FindKinds
{
    public const string Thread = "thread", Idea = "idea", Article = "article", Story = "story";
    public static readonly IReadOnlyList<string> All = [Article, Thread, Idea, Story];
}

/// <summary>One result of the site-wide search: <see cref="Title"/> and <see cref="Snippet"/> are HTML (escaped text with &lt;mark&gt;).</summary>
public sealed record FindHit(string Kind, string Title, string Url, string Snippet, string Where);
public sealed record FindCounts(int Articles, int Threads, int Stories, int Ideas = 0);
public sealed record FindResult(IReadOnlyList<FindHit> Hits, FindCounts Counts);

/// <summary>
/// GET /api/find?q=&amp;kind=: one search box over forum threads (ideas are threads too), published articles and published stories,
/// each hit with its kind. Threads come through the forum's own search and cache, so private categories and customer segments are
/// respected exactly as in forum search; drafts of articles are never indexed and draft or scheduled stories never listed.
/// Articles come first (the answers staff stand behind), then threads, then stories.
/// </summary>
internal static class UnifiedSearch
{
    private const int ArticleLimit = 10, ThreadLimit = 20, StoryLimit = 5;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/find", FindAsync).WithTags("Knowledge base").RequireRateLimiting(RateLimits.Search);

    private static async Task<Results<Ok<FindResult>, ValidationProblem>> FindAsync(string? q, string? kind, HttpContext http, CommunityDb db,
        IForumFinder forum, IArticleSearch articles, KbCatalog kb, StoryCatalog stories, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(q) || q.Length > 200) errors.Add("q", "Search for 1–200 characters.");
        if (kind is not null && kind != "all" && !FindKinds.All.Contains(kind)) errors.Add("kind", "Choose all, article, thread, idea or story.");
        if (errors.Any) return errors.ToProblem();
        var terms = SearchText.Terms(q!);
        bool Wants(string k) => kind is null or "all" || kind == k;
        var hits = new List<FindHit>();
        var counts = new int[4];
        if (terms.Count > 0 && Wants(FindKinds.Article))
        {
            var snapshot = await kb.GetAsync(ct);
            var marker = SearchText.Marker(terms);
            foreach (var match in await articles.SearchAsync(db, terms, similar: false, ArticleLimit, ct))
            {
                if (!snapshot.ById.TryGetValue(match.ArticleId, out var a)) continue;
                hits.Add(new FindHit(FindKinds.Article, SearchText.Mark(a.Title, marker), a.Path, match.Snippet, a.Section.Title));
                counts[0]++;
            }
        }
        if (terms.Count > 0 && (Wants(FindKinds.Thread) || Wants(FindKinds.Idea)))
        {
            var seen = new HashSet<long>();
            foreach (var h in await forum.SearchAsync(ForumViewer.From(http.User), q!, ct))
            {
                var k = h.IsIdea ? FindKinds.Idea : FindKinds.Thread; // an idea is a thread of an Ideas category
                if (!Wants(k) || !seen.Add(h.ThreadId) || seen.Count > ThreadLimit) continue;
                hits.Add(new FindHit(k, h.Title, h.Url, h.Snippet, h.Category));
                counts[h.IsIdea ? 3 : 1]++;
            }
        }
        if (terms.Count > 0 && Wants(FindKinds.Story))
        {
            var catalog = await stories.GetAsync(ct);
            var marker = SearchText.Marker(terms);
            foreach (var s in catalog.Visible(clock.GetUtcNow().UtcDateTime).Where(s => Holds(s, terms)).Take(StoryLimit))
            {
                var text = s.Summary + " " + s.Body;
                hits.Add(new FindHit(FindKinds.Story, SearchText.Mark(s.Title, marker), s.Path,
                    SearchText.Mark(SearchText.Excerpt(text, terms), marker), StoryKinds.Label(s.Kind)));
                counts[2]++;
            }
        }
        return TypedResults.Ok(new FindResult(hits, new FindCounts(counts[0], counts[1], counts[2], counts[3])));
    }

    /// <summary>Every term starts a word somewhere in the story's title, customer, summary or text.</summary>
    private static bool Holds(StoryView s, IReadOnlyList<string> terms) =>
        terms.All(t => ForumFinder.Matched(s.Title + " " + s.Customer + " " + s.Summary + " " + s.Body, [t]) > 0);
}
