using System.Collections.Concurrent;
using System.Text.Json;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Community.Web.Features.Forums;

/// <summary>A category's settings, as every permission check needs them.</summary>
public sealed record CategoryInfo(int Id, string Slug, string Name, string Description, int Position, bool IsQa, IReadOnlyList<string> ReadRoles)
{
    /// <summary>Product plans whose members may read the category (see <see cref="CategorySegmentRules"/>).</summary>
    public IReadOnlyList<string> ReadPlans { get; init; } = [];
    /// <summary>Product account ids whose members may read the category.</summary>
    public IReadOnlyList<string> ReadAccounts { get; init; } = [];

    /// <summary><see cref="CategoryKinds"/>.</summary>
    public string Kind { get; init; } = CategoryKinds.Discussion;
    public bool IsIdeas => Kind == CategoryKinds.Ideas;

    public CategoryRef Ref => new(Id, Slug, Name, IsQa, IsIdeas);
    public bool IsSegmented => ReadPlans.Count > 0 || ReadAccounts.Count > 0;
    public bool IsPrivate => ReadRoles.Count > 0 || IsSegmented;
}

/// <summary>
/// The read side of the forums, built for many anonymous readers: category settings are held in memory, thread headers and
/// post windows are cached per thread generation (bumped on every write), and anonymous windows are cached as ready JSON bytes.
/// </summary>
public sealed class ForumReader : IDisposable
{
    private const string ThreadTopic = "forum-thread", CategoryTopic = "forum-categories", CounterTopic = "forum-counters";
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 64 * 1024 * 1024 });
    private readonly ConcurrentDictionary<long, long> _generations = new();
    private volatile IReadOnlyDictionary<int, CategoryInfo>? _categories;
    private long _categoryGeneration, _epoch;
    private readonly IServiceScopeFactory scopes;
    private readonly Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json;
    private readonly ForumOptions options;
    private readonly ICacheSignals _signals;

    /// <summary>Thread and category changes made on any server reach this one's caches through <see cref="ICacheSignals"/>.</summary>
    public ForumReader(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        ForumOptions options, ICacheSignals signals)
    {
        this.scopes = scopes;
        this.json = json;
        this.options = options;
        _signals = signals;
        signals.Subscribe(ThreadTopic, OnThreadChanged);
        signals.Subscribe(CategoryTopic, _ => OnCategoriesChanged());
        signals.Subscribe(CounterTopic, _ => ActivityChanged());
        signals.Subscribe(MemberCardSignals.Topic, _ => OnMemberCardChanged());
    }

    /// <summary>A member's name or picture changed: their cached author card goes, and so do cached windows and headers, which
    /// carry authors (rare enough that re-reading every thread once is cheaper than tracking where each author appears).</summary>
    private void OnMemberCardChanged()
    {
        Interlocked.Increment(ref _epoch); // author cards are keyed by epoch too
        _lastHeaders.Clear();
        ActivityChanged();
    }

    public ForumOptions Options => options;

    // ---- categories -----------------------------------------------------------

    public async Task<IReadOnlyDictionary<int, CategoryInfo>> CategoriesAsync(CancellationToken ct = default)
    {
        if (_categories is { } loaded) return loaded;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var rows = await db.Set<ForumCategory>().AsNoTracking().ToListAsync(ct);
        var map = rows.ToDictionary(c => c.Id, c => new CategoryInfo(c.Id, c.Slug, c.Name, c.Description, c.Position, c.IsQa,
            [.. (c.ReadRoles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)])
        {
            ReadPlans = CategorySegmentRules.Split(c.ReadPlans),
            ReadAccounts = CategorySegmentRules.Split(c.ReadAccounts),
            Kind = c.Kind,
        });
        _categories = map;
        return map;
    }

    public async Task<CategoryInfo?> CategoryBySlugAsync(string slug, CancellationToken ct = default) =>
        (await CategoriesAsync(ct)).Values.FirstOrDefault(c => string.Equals(c.Slug, slug, StringComparison.OrdinalIgnoreCase));

    /// <summary>After an admin changes categories.</summary>
    public void CategoriesChanged() => _signals.Publish(CategoryTopic, "");

    private void OnCategoriesChanged()
    {
        _categories = null;
        Interlocked.Increment(ref _categoryGeneration);
    }

    /// <summary>After <see cref="ForumCounters"/> wrote a batch: every server's category list shows the new numbers.</summary>
    public void CountersChanged() => _signals.Publish(CounterTopic, "");

    /// <summary>After any post or thread write: category counters and lists move.</summary>
    public void ActivityChanged() => Interlocked.Increment(ref _categoryGeneration);

    public long CategoryGeneration => Interlocked.Read(ref _categoryGeneration);

    // ---- threads --------------------------------------------------------------

    /// <summary>The epoch moves when signals may have been missed: every cached thread is then stale at once.</summary>
    public long Generation(long threadId) => (Interlocked.Read(ref _epoch) << 32) + _generations.GetOrAdd(threadId, 0);

    /// <summary>Every write to a thread calls this after commit, so cached windows and pages are rebuilt on next read (on every server).</summary>
    public void ThreadChanged(long threadId) =>
        _signals.Publish(ThreadTopic, threadId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private void OnThreadChanged(string key)
    {
        if (long.TryParse(key, System.Globalization.CultureInfo.InvariantCulture, out var threadId))
        {
            _generations.AddOrUpdate(threadId, 1, (_, g) => g + 1);
        }
        else
        {
            Interlocked.Increment(ref _epoch);
            _lastHeaders.Clear();
            OnCategoriesChanged();
        }
        ActivityChanged();
    }

    /// <summary>The thread if it exists, is not deleted and the viewer may read its category; otherwise null (callers answer 404).</summary>
    public async Task<(ThreadDto Thread, CategoryInfo Category)?> ThreadAsync(long id, ForumViewer viewer, CancellationToken ct = default)
    {
        var thread = await GetOrCreateAsync(("t", id, Generation(id)), async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            var th = await db.Set<ForumThread>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && !t.IsDeleted, ct);
            if (th is null) return null;
            var categories = await CategoriesAsync(ct);
            if (!categories.TryGetValue(th.CategoryId, out var category)) return null;
            var author = await scope.ServiceProvider.GetRequiredService<IMemberDirectory>().FindAsync(th.AuthorId, ct);
            return new ThreadDto(th.Id, th.Title, th.Slug, ThreadUrl(th.Id, th.Slug), category.Ref, AuthorOf(author),
                th.CreatedAt, th.LastPostAt, th.LastSeq, th.IsLocked, th.IsPinned, th.AcceptedSeq, th.Version, th.Summary);
        }, 2048);
        if (thread is null) return null;
        if (_lastHeaders.Count > 20_000) _lastHeaders.Clear(); // a bound, not an LRU: it only saves early refusals a query
        _lastHeaders[id] = thread;
        var cats = await CategoriesAsync(ct);
        if (!cats.TryGetValue(thread.Category.Id, out var cat) || !viewer.CanRead(cat)) return null;
        return (thread, cat);
    }

    /// <summary>The last header loaded for a thread, whatever its generation: good enough for early refusals on the write path.</summary>
    public ThreadDto? CachedThread(long id) => _lastHeaders.TryGetValue(id, out var t) ? t : null;

    private readonly ConcurrentDictionary<long, ThreadDto> _lastHeaders = new();

    public async Task<AuthorDto> AuthorAsync(string memberId, CancellationToken ct)
    {
        return (await GetOrCreateAsync(("author", memberId, Interlocked.Read(ref _epoch)), async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            return AuthorOf(await scope.ServiceProvider.GetRequiredService<IMemberDirectory>().FindAsync(memberId, ct));
        }, 256))!;
    }

    /// <summary>How a member appears on a post or thread; one who no longer exists shows as a deleted member.</summary>
    public static AuthorDto AuthorOf(MemberCard? member) =>
        member is null ? new AuthorDto("deleted", "Deleted member", null) : new AuthorDto(member.UserName, member.DisplayName, member.AvatarUrl);

    public static AuthorDto AuthorOf(IReadOnlyDictionary<string, MemberCard> members, string memberId) =>
        AuthorOf(members.GetValueOrDefault(memberId));

    public static string ThreadUrl(long id, string slug) => $"/t/{id}/{slug}";

    /// <summary>Posts after <paramref name="after"/> (ascending) or before <paramref name="before"/> (the window just before it), shared by all
    /// viewers.</summary>
    public async Task<PostWindow> WindowAsync(long threadId, int? after, int? before, int limit, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, 100);
        var gen = Generation(threadId);
        var window = await GetOrCreateAsync(("w", threadId, gen, after ?? -1, before ?? -1, limit), async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            var head = await db.Set<ForumThread>().AsNoTracking().Where(t => t.Id == threadId)
                .Select(t => new { t.LastSeq, t.Version }).FirstAsync(ct);
            var posts = db.Set<ForumPost>().AsNoTracking().Where(p => p.ThreadId == threadId);
            List<ForumPost> rows;
            if (before is { } b)
            {
                rows = await posts.Where(p => p.Seq < b).OrderByDescending(p => p.Seq).Take(limit).ToListAsync(ct);
                rows.Reverse();
            }
            else
            {
                var a = after ?? 0;
                rows = await posts.Where(p => p.Seq > a).OrderBy(p => p.Seq).Take(limit).ToListAsync(ct);
            }
            var dtos = await ToDtosAsync(db, scope.ServiceProvider.GetRequiredService<IMemberDirectory>(), rows, ct);
            var first = dtos.Count > 0 ? dtos[0].Seq : (after ?? 0) + 1;
            var last = dtos.Count > 0 ? dtos[^1].Seq : after ?? 0;
            return new PostWindow(threadId, head.LastSeq, head.Version, dtos, first > 1, last < head.LastSeq);
        }, 64 * 1024);
        return window!;
    }

    /// <summary>The anonymous window as JSON bytes: the hot path serialises once per thread generation.</summary>
    public async Task<byte[]> WindowBytesAsync(long threadId, int? after, int? before, int limit, CancellationToken ct = default)
    {
        var gen = Generation(threadId);
        return (await GetOrCreateAsync(("wb", threadId, gen, after ?? -1, before ?? -1, limit), async () =>
        {
            var window = await WindowAsync(threadId, after, before, limit, ct);
            return JsonSerializer.SerializeToUtf8Bytes(window, json.Value.SerializerOptions);
        }, 64 * 1024))!;
    }

    /// <summary>One post, as the live event carries it.</summary>
    public static async Task<PostDto> PostAsync(CommunityDb db, IMemberDirectory members, long postId, CancellationToken ct)
    {
        var row = await db.Set<ForumPost>().AsNoTracking().FirstAsync(p => p.Id == postId, ct);
        return (await ToDtosAsync(db, members, [row], ct))[0];
    }

    internal static async Task<List<PostDto>> ToDtosAsync(CommunityDb db, IMemberDirectory members, List<ForumPost> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return [];
        var ids = rows.Select(p => p.Id).ToList();
        var authors = await members.FindManyAsync(rows.Select(p => p.AuthorId), ct);
        var reactions = (await db.Set<PostReaction>().AsNoTracking().Where(r => ids.Contains(r.PostId))
            .GroupBy(r => new { r.PostId, r.Kind }).Select(g => new { g.Key.PostId, g.Key.Kind, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(r => r.PostId);
        return [.. rows.Select(p =>
        {
            var a = AuthorOf(authors, p.AuthorId);
            var visible = !p.IsHidden && !p.IsDeleted;
            IReadOnlyDictionary<string, int> counts = reactions[p.Id].ToDictionary(r => r.Kind, r => r.Count, StringComparer.Ordinal);
            return new PostDto(p.Id, p.ThreadId, p.Seq, a, visible ? p.Html : "", p.CreatedAt, p.EditedAt, p.IsHidden, p.IsDeleted, counts,
                p.Version);
        })];
    }

    private async Task<T?> GetOrCreateAsync<T>(object key, Func<Task<T?>> factory, long size) where T : class
    {
        if (CommunityMetrics.Cache("forum", _cache.TryGetValue(key, out T? hit))) return hit;
        var value = await factory();
        if (value is not null)
        {
            _cache.Set(key, value, new MemoryCacheEntryOptions { Size = value is byte[] bytes ? bytes.Length : size,
                SlidingExpiration = TimeSpan.FromMinutes(10) });
        }
        return value;
    }

    /// <summary>Caches an arbitrary read model (category lists, pages) under a key that includes its generation.</summary>
    public Task<T?> CachedAsync<T>(object key, Func<Task<T?>> factory, long size) where T : class => GetOrCreateAsync(key, factory, size);

    public void Dispose() => _cache.Dispose();
}
