using System.Collections.Concurrent;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Publishing;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge;

/// <summary>A published article as pages show it, with its section and the member its answer credits.</summary>
public sealed record KbArticleView(int Id, KbSection Section, string Slug, string Title, string Summary, string Html, DateTime PublishedAt,
    DateTime UpdatedAt, string? SourceUrl, MemberCard? Credit)
{
    public string Path => $"/kb/{Section.Slug}/{Slug}";
}

/// <summary>Everything public about the knowledge base at one moment.</summary>
public sealed class KbSnapshot
{
    public required IReadOnlyList<KbSection> Sections { get; init; }
    public required IReadOnlyDictionary<string, KbSection> SectionsBySlug { get; init; }
    public required IReadOnlyList<KbArticleView> Articles { get; init; }
    public required IReadOnlyDictionary<string, KbArticleView> BySlug { get; init; }
    public required IReadOnlyDictionary<int, KbArticleView> ById { get; init; }
    /// <summary>Old slug → the article it moved to.</summary>
    public required IReadOnlyDictionary<string, KbArticleView> Redirects { get; init; }
    public long Version { get; init; }

    public IEnumerable<KbArticleView> In(KbSection section) => Articles.Where(a => a.Section.Id == section.Id);
}

/// <summary>
/// The in-memory view of published articles and the cache of their rendered pages, as <see cref="StoryCatalog"/> does for stories:
/// every write calls <see cref="Invalidate"/> after commit, which reaches every server through <see cref="ICacheSignals"/>
/// (PostgreSQL NOTIFY), and the next read rebuilds from the database.
/// </summary>
public sealed class KbCatalog : IDisposable
{
    private const string Topic = "kb";
    private readonly IServiceScopeFactory _scopes;
    private readonly ICacheSignals _signals;
    private readonly SemaphoreSlim _build = new(1, 1);
    private KbSnapshot? _snapshot;
    private long _version;

    public KbCatalog(IServiceScopeFactory scopes, ICacheSignals signals)
    {
        _scopes = scopes;
        _signals = signals;
        signals.Subscribe(Topic, _ => Drop());
    }

    /// <summary>Rendered public pages by key (base URL + path). Cleared whenever the catalog changes.</summary>
    public ConcurrentDictionary<string, RenderedPage> Pages { get; } = new(StringComparer.Ordinal);

    public long CurrentVersion => Interlocked.Read(ref _version);

    /// <summary>After any change to sections or articles (call after commit): every server rebuilds on its next read.</summary>
    public void Invalidate() => _signals.Publish(Topic, "");

    private void Drop()
    {
        Interlocked.Increment(ref _version);
        _snapshot = null;
        Pages.Clear();
    }

    public void Dispose() => _build.Dispose();

    public async ValueTask<KbSnapshot> GetAsync(CancellationToken ct = default)
    {
        var snapshot = _snapshot;
        if (CommunityMetrics.Cache("kb-catalog", snapshot is not null)) return snapshot!;
        await _build.WaitAsync(ct);
        try
        {
            if (_snapshot is { } built) return built;
            var version = Interlocked.Read(ref _version);
            var fresh = await BuildAsync(version, ct);
            if (Interlocked.Read(ref _version) == version) _snapshot = fresh;
            return fresh;
        }
        finally
        {
            _build.Release();
        }
    }

    private async Task<KbSnapshot> BuildAsync(long version, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var members = scope.ServiceProvider.GetRequiredService<IMemberDirectory>();
        var sections = await db.Set<KbSection>().AsNoTracking().OrderBy(s => s.Position).ThenBy(s => s.Title).ToListAsync(ct);
        var rows = await db.Set<KbArticle>().AsNoTracking().Where(a => a.Status == KbStatus.Published)
            .OrderBy(a => a.Title).ToListAsync(ct);
        var redirects = await db.Set<KbSlugRedirect>().AsNoTracking().ToListAsync(ct);
        var credits = await members.FindManyAsync(rows.Select(a => a.CreditMemberId).OfType<string>().Distinct(), ct);
        var sectionById = sections.ToDictionary(s => s.Id);
        var articles = rows.Select(a => new KbArticleView(a.Id, sectionById[a.SectionId], a.Slug, a.Title, a.Summary, a.Html,
            a.PublishedAt ?? a.UpdatedAt, a.UpdatedAt, a.SourceUrl, a.CreditMemberId is { } c ? credits.GetValueOrDefault(c) : null)).ToList();
        var byId = articles.ToDictionary(a => a.Id);
        var bySlug = articles.ToDictionary(a => a.Slug, StringComparer.Ordinal);
        var moved = new Dictionary<string, KbArticleView>(StringComparer.Ordinal);
        foreach (var r in redirects)
        {
            if (byId.TryGetValue(r.ArticleId, out var target) && !bySlug.ContainsKey(r.OldSlug)) moved[r.OldSlug] = target;
        }
        return new KbSnapshot
        {
            Sections = sections,
            SectionsBySlug = sections.ToDictionary(s => s.Slug, StringComparer.Ordinal),
            Articles = articles,
            BySlug = bySlug,
            ById = byId,
            Redirects = moved,
            Version = version,
        };
    }
}
