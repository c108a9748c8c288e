using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Community.Web.Data;
using Community.Web.Features.Forums;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge.Search;

/// <summary>A suggestion for a question being typed: kind "solved" (a thread with an accepted answer), "article", "thread" or "idea"
/// (an open thread of an Ideas category).</summary>
public sealed record SimilarItem(string Kind, string Title, string Url, string Where);
public sealed record OpenedInput(string? Url);
public sealed record OpenedDto(string Token);

/// <summary>
/// Similar questions while typing: GET /api/kb/similar?title= answers up to five items once the title has three words — solved
/// threads first, then articles, then open threads — limited to what the viewer may read. Deflections: the composer reports each
/// suggestion it opens (POST /api/kb/suggestions/opened, a token back); if it is then left without posting, the page sends that
/// token with navigator.sendBeacon (which cannot carry the CSRF header, so that one endpoint skips it: the unguessable token is
/// the proof, and it counts once).
/// </summary>
internal static partial class SimilarQuestions
{
    public const int Max = 5;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "do", "does", "for", "from", "get", "has", "have", "how", "i",
        "if", "in", "is", "it", "its", "me", "my", "not", "of", "on", "or", "our", "should", "so", "that", "the", "there", "this", "to", "we",
        "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
    };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/similar", SimilarAsync);
        api.MapPost("/suggestions/opened", OpenedAsync).RequireAuthorization();
        api.MapPost("/deflections/{token}", DeflectedAsync).WithMetadata(new SkipCsrfAttribute());
    }

    /// <summary>The words worth matching: at most eight, without the little words every question has.</summary>
    public static List<string> Terms(string title) => [.. SearchText.Terms(title).Where(t => !StopWords.Contains(t))];

    public static int WordCount(string title) => Word().Count(title);

    private static async Task<Results<Ok<List<SimilarItem>>, ValidationProblem>> SimilarAsync(string? title, HttpContext http, CommunityDb db,
        IForumFinder forum, IArticleSearch articles, KbCatalog kb, CancellationToken ct)
    {
        if (title is { Length: > 200 }) return new FieldErrors().Add("title", "Titles are at most 200 characters.").ToProblem();
        http.Response.Headers.CacheControl = "no-store";
        if (string.IsNullOrWhiteSpace(title) || WordCount(title) < 3) return TypedResults.Ok(new List<SimilarItem>());
        var terms = Terms(title);
        if (terms.Count == 0) return TypedResults.Ok(new List<SimilarItem>());
        var threads = await forum.SimilarAsync(ForumViewer.From(http.User), terms, Max, ct);
        var snapshot = await kb.GetAsync(ct);
        var needed = SimilarTitles.Shared(terms.Count);
        var found = (await articles.SearchAsync(db, terms, similar: true, Max, ct))
            .Select(m => snapshot.ById.GetValueOrDefault(m.ArticleId)).OfType<KbArticleView>()
            .Where(a => ForumFinder.Matched(a.Title + " " + a.Summary, terms) >= needed)
            .Select(a => new SimilarItem("article", a.Title, a.Path, a.Section.Title));
        var items = threads.Where(t => t.Solved).Select(t => new SimilarItem("solved", t.Title, t.Url, t.Category))
            .Concat(found)
            .Concat(threads.Where(t => !t.Solved).Select(t => new SimilarItem(t.IsIdea ? "idea" : "thread", t.Title, t.Url, t.Category)))
            .Take(Max).ToList();
        return TypedResults.Ok(items);
    }

    private static async Task<Results<Ok<OpenedDto>, ValidationProblem>> OpenedAsync(OpenedInput input, ClaimsPrincipal user, CommunityDb db,
        TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Url) || input.Url.Length > 300 || !LocalUrls.IsLocal(input.Url))
            return new FieldErrors().Add("url", "The suggestion's address on this site.").ToProblem();
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        db.Add(new KbSuggestionOpening
        {
            Token = token, Url = input.Url, MemberId = user.FindFirstValue(ClaimTypes.NameIdentifier), OpenedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new OpenedDto(token));
    }

    private static async Task<NoContent> DeflectedAsync(string token, CommunityDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Counted once: a repeated or unknown token changes nothing (and says nothing either way).
        if (token.Length <= 64)
        {
            await db.Set<KbSuggestionOpening>().Where(o => o.Token == token && o.DeflectedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.DeflectedAt, now), ct);
        }
        return TypedResults.NoContent();
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();
}
