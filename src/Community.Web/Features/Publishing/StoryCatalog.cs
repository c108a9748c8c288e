using System.Collections.Concurrent;
using Community.Web.Data;
using Community.Web.Features.Media;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Publishing;

/// <summary>Everything public about stories at one moment: live and scheduled stories from the database and from files, and old slugs.</summary>
public sealed class CatalogSnapshot
{
    public required IReadOnlyList<StoryView> Stories { get; init; }
    public required IReadOnlyDictionary<string, StoryView> BySlug { get; init; }
    /// <summary>Old slug → story, from editor renames and files' <c>redirect_from</c>.</summary>
    public required IReadOnlyDictionary<string, StoryView> Redirects { get; init; }
    public required IReadOnlyList<ContentError> ContentErrors { get; init; }
    /// <summary>The earliest scheduled time after the snapshot was built: cached pages expire then.</summary>
    public DateTime? NextChange { get; init; }
    public long Version { get; init; }

    public IEnumerable<StoryView> Visible(DateTime now, string? kind = null) =>
        Stories.Where(s => s.IsVisible(now) && (kind is null || s.Kind == kind))
            .OrderByDescending(s => s.Date).ThenBy(s => s.Slug, StringComparer.Ordinal);
}

/// <summary>
/// The in-memory view of published stories and the cache of their rendered pages. Any write (editor, scheduler,
/// content file change) calls <see cref="Invalidate"/>, which reaches every server through <see cref="ICacheSignals"/>;
/// the next read rebuilds from the database and the files.
/// </summary>
public sealed class StoryCatalog : IDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ContentFiles _files;
    private readonly MediaLibrary _media;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _build = new(1, 1);
    private CatalogSnapshot? _snapshot;
    private long _version;
    private readonly ICacheSignals _signals;
    private const string Topic = "stories";

    public StoryCatalog(IServiceScopeFactory scopes, ContentFiles files, MediaLibrary media, TimeProvider clock, ICacheSignals signals)
    {
        _signals = signals;
        signals.Subscribe(Topic, _ => Drop());
        _scopes = scopes;
        _files = files;
        _media = media;
        _clock = clock;
        files.Changed += Invalidate;
    }

    /// <summary>Rendered public pages by key (base URL + path). Cleared whenever the catalog changes.</summary>
    public ConcurrentDictionary<string, RenderedPage> Pages { get; } = new(StringComparer.Ordinal);

    public void Dispose() => _build.Dispose();

    public long CurrentVersion => Interlocked.Read(ref _version);

    /// <summary>After any change to stories (call after commit): every server rebuilds on its next read.</summary>
    public void Invalidate() => _signals.Publish(Topic, "");

    private void Drop()
    {
        Interlocked.Increment(ref _version);
        _snapshot = null;
        Pages.Clear();
    }

    public async ValueTask<CatalogSnapshot> GetAsync(CancellationToken ct = default)
    {
        var snapshot = _snapshot;
        var fresh = snapshot is not null && (snapshot.NextChange is not { } next || next > _clock.GetUtcNow().UtcDateTime);
        if (CommunityMetrics.Cache("story-catalog", fresh)) return snapshot!;
        return await BuildAsync(ct);
    }

    private async Task<CatalogSnapshot> BuildAsync(CancellationToken ct)
    {
        await _build.WaitAsync(ct);
        try
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            var current = _snapshot;
            if (current is not null && (current.NextChange is not { } next || next > now)) return current;
            if (current is not null) Pages.Clear(); // a scheduled story went live: listings and related lists change

            var version = Interlocked.Read(ref _version);
            await _media.EnsureLoadedAsync(ct);
            var (files, errors) = await _files.LoadAsync(ct);
            List<Story> rows;
            List<StorySlugRedirect> redirects;
            await using (var scope = _scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
                rows = await db.Set<Story>().AsNoTracking().Where(s => s.Status != StoryStatus.Draft).ToListAsync(ct);
                redirects = await db.Set<StorySlugRedirect>().AsNoTracking().ToListAsync(ct);
            }

            var stories = new List<StoryView>();
            var bySlug = new Dictionary<string, StoryView>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                var view = StoryView.From(row, redirects.Where(r => r.StoryId == row.Id).Select(r => r.OldSlug).ToList());
                stories.Add(view);
                bySlug[view.Slug] = view;
            }
            // Editor stories win a slug clash; the editor refuses such slugs, so this only happens when a file is added later.
            foreach (var file in files.Where(f => f.Status != StoryStatus.Draft && !bySlug.ContainsKey(f.Slug)))
            {
                stories.Add(file);
                bySlug[file.Slug] = file;
            }
            var byOld = new Dictionary<string, StoryView>(StringComparer.Ordinal);
            foreach (var story in stories)
            {
                foreach (var old in story.RedirectFrom)
                {
                    if (!bySlug.ContainsKey(old)) byOld[old] = story;
                }
            }
            var snapshot = new CatalogSnapshot
            {
                Stories = stories,
                BySlug = bySlug,
                Redirects = byOld,
                ContentErrors = errors,
                NextChange = stories.Where(s => s.Status == StoryStatus.Scheduled && s.PublishAt > now).Min(s => s.PublishAt),
                Version = version,
            };
            if (Interlocked.Read(ref _version) == version) _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _build.Release();
        }
    }
}

/// <summary>A page rendered once and served from memory with validators.</summary>
public sealed record RenderedPage(byte[] Utf8, string ETag, DateTime LastModified);
