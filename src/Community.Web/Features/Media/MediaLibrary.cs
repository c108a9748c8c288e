using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Community.Media;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Media;

public sealed record RenditionRef(string Name, int Width, int Height, string ContentType)
{
    public string Url => "/media/" + Name;
}

/// <summary>A processed image as pages need it: sizes, renditions and the inline placeholder.</summary>
public sealed record MediaImageView(string Id, string Kind, int Width, int Height, string Placeholder, IReadOnlyList<RenditionRef> Renditions)
{
    public RenditionRef Largest(string contentType) => Renditions.Where(r => r.ContentType == contentType).MaxBy(r => r.Width)!;

    /// <summary>The JPEG fallback closest to <paramref name="width"/> from above (or the largest).</summary>
    public RenditionRef Near(int width, string contentType = ImagePipeline.JpegContentType) =>
        Renditions.Where(r => r.ContentType == contentType).OrderBy(r => r.Width).FirstOrDefault(r => r.Width >= width) ?? Largest(contentType);

    internal static MediaImageView From(MediaImage row) => new(
        row.SourceHash, row.Kind, row.Width, row.Height, row.Placeholder,
        JsonSerializer.Deserialize<List<RenditionRef>>(row.RenditionsJson, JsonSerializerOptions.Web) ?? []);
}

/// <summary>
/// Every processed image, kept in memory (a few hundred bytes each) so story pages render &lt;picture&gt;
/// without a query; uploads go through libvips once and are recorded in the MediaImages table. An image recorded by another
/// server (several servers on one database) makes this one read the table again (<see cref="ICacheSignals"/>).
/// </summary>
public sealed class MediaLibrary : IDisposable
{
    private const string Topic = "media";
    private readonly IServiceScopeFactory scopes;
    private readonly ImagePipeline pipeline;
    private readonly MediaStore store;
    private readonly TimeProvider clock;
    private readonly ICacheSignals _signals;

    public MediaLibrary(IServiceScopeFactory scopes, ImagePipeline pipeline, MediaStore store, TimeProvider clock, ICacheSignals signals)
    {
        this.scopes = scopes;
        this.pipeline = pipeline;
        this.store = store;
        this.clock = clock;
        _signals = signals;
        signals.Subscribe(Topic, id =>
        {
            if (id != CacheSignalTopics.Everything && _byId.ContainsKey(id)) return;
            Interlocked.Increment(ref _version);
            _loaded = false;
        });
    }

    private readonly ConcurrentDictionary<string, MediaImageView> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MediaImageView> _byRendition = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _load = new(1, 1);
    // libvips already uses both cores for one large image; more at once only queues in memory.
    private readonly SemaphoreSlim _processing = new(2, 2);
    // Images named (header checked) but not processed yet: content files' images, processed once, when first needed.
    private readonly ConcurrentDictionary<string, Lazy<Task<MediaImageView?>>> _queued = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _loaded;
    private long _version; // a load that began before another server's upload must not count as complete

    public MediaStore Store => store;

    public async Task EnsureLoadedAsync(CancellationToken ct = default)
    {
        if (_loaded) return;
        await _load.WaitAsync(ct);
        try
        {
            if (_loaded) return;
            var version = Interlocked.Read(ref _version);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            foreach (var row in await db.Set<MediaImage>().AsNoTracking().ToListAsync(ct)) Add(MediaImageView.From(row));
            _loaded = Interlocked.Read(ref _version) == version;
        }
        finally
        {
            _load.Release();
        }
    }

    public MediaImageView? Find(string? id) => id is not null && _byId.TryGetValue(id, out var view) ? view : null;

    /// <summary>Finds the image a /media/{name} URL belongs to.</summary>
    public MediaImageView? FindByUrl(string? url)
    {
        if (url is null || !url.StartsWith("/media/", StringComparison.Ordinal)) return null;
        return _byRendition.TryGetValue(url[7..], out var view) ? view : null;
    }

    /// <summary>
    /// Checks an image's header now and returns the id it will have, leaving the libvips work for later: the story
    /// catalog names every content file's images at start-up, and no page should wait for images it does not show.
    /// </summary>
    /// <exception cref="ImageRejectedException">Not an acceptable image (format, size, pixel count).</exception>
    public async Task<string> AddLaterAsync(byte[] upload, ImageKind kind, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        var id = IdOf(upload, kind);
        if (Find(id) is not null) return id;
        pipeline.Inspect(upload);
        _queued.GetOrAdd(id, _ => new Lazy<Task<MediaImageView?>>(() => ProcessQueuedAsync(id, upload, kind)));
        return id;
    }

    /// <summary>The image, processing it now if it is queued (at most one run per image); null when unknown or unprocessable.</summary>
    public async ValueTask<MediaImageView?> ReadyAsync(string? id, CancellationToken ct = default)
    {
        if (id is null) return null;
        if (Find(id) is { } view) return view;
        return _queued.TryGetValue(id, out var work) ? await work.Value.WaitAsync(ct) : null;
    }

    /// <summary>True while the image is queued: a page showing it without its picture must not be cached.</summary>
    public bool IsQueued(string? id) => id is not null && _queued.ContainsKey(id);

    /// <summary>Processes every queued image, one after the other.</summary>
    public async Task ProcessQueuedAsync(CancellationToken ct)
    {
        foreach (var work in _queued.Values)
        {
            ct.ThrowIfCancellationRequested();
            await work.Value;
        }
    }

    private async Task<MediaImageView?> ProcessQueuedAsync(string id, byte[] upload, ImageKind kind)
    {
        try
        {
            return await AddAsync(upload, kind, null, _stopping.Token);
        }
        catch (Exception e) when (e is ImageRejectedException or OperationCanceledException or ObjectDisposedException)
        {
            return null; // broken past its header, or the app is stopping: the page shows no picture
        }
        finally
        {
            _queued.TryRemove(id, out _);
        }
    }

    private static string IdOf(byte[] upload, ImageKind kind)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(upload));
        return kind == ImageKind.Avatar ? "a" + hash[..63] : hash;
    }

    /// <summary>Validates, processes and stores an upload; the same bytes uploaded twice are processed once.</summary>
    /// <exception cref="ImageRejectedException">Not an acceptable image; nothing was stored.</exception>
    public async Task<MediaImageView> AddAsync(byte[] upload, ImageKind kind, string? uploaderId, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        var kindName = kind == ImageKind.Avatar ? MediaImageKinds.Avatar : MediaImageKinds.Story;
        var id = IdOf(upload, kind);
        if (Find(id) is { } known) return known;

        // Header checks (format, size, pixel count) happen inside Process before any full decode.
        await _processing.WaitAsync(ct);
        ProcessedImage processed;
        try
        {
            processed = await Task.Run(() => pipeline.Process(upload, kind), ct);
        }
        finally
        {
            _processing.Release();
        }

        var renditions = new List<RenditionRef>();
        foreach (var r in processed.Renditions)
        {
            var saved = store.Save(r.Bytes, r.Extension);
            renditions.Add(new RenditionRef(saved.Name, r.Width, r.Height, r.ContentType));
        }
        var row = new MediaImage
        {
            SourceHash = id,
            Kind = kindName,
            Width = processed.Width,
            Height = processed.Height,
            Placeholder = processed.PlaceholderDataUri,
            RenditionsJson = JsonSerializer.Serialize(renditions, JsonSerializerOptions.Web),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            UploadedById = uploaderId,
        };
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            db.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // A parallel upload of the same bytes won the insert; its record describes identical files.
            }
        }
        var view = MediaImageView.From(row);
        Add(view);
        _signals.Publish(Topic, view.Id);
        return view;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _load.Dispose();
        _processing.Dispose();
    }

    private void Add(MediaImageView view)
    {
        _byId[view.Id] = view;
        foreach (var r in view.Renditions) _byRendition[r.Name] = view;
    }
}

/// <summary>Writes responsive &lt;picture&gt; markup with a blurred placeholder behind it (no inline styles: CSP).</summary>
public static class Pictures
{
    public const string StorySizes = "(min-width: 72rem) 68rem, 100vw";

    public static string Render(MediaImageView image, string alt, string sizes = StorySizes, bool eager = false, string? cssClass = null)
    {
        var e = HtmlEncoder.Default;
        var sb = new StringBuilder(768);
        var fallback = image.Near(1024);
        sb.Append("<span class=\"pic");
        if (cssClass is not null) sb.Append(' ').Append(e.Encode(cssClass));
        sb.Append("\"><img class=\"lqip\" src=\"").Append(e.Encode(image.Placeholder)).Append("\" alt=\"\" aria-hidden=\"true\" width=\"")
            .Append(fallback.Width).Append("\" height=\"").Append(fallback.Height).Append("\">");
        sb.Append("<picture><source type=\"image/webp\" srcset=\"").Append(SrcSet(image, ImagePipeline.WebPContentType))
            .Append("\" sizes=\"").Append(e.Encode(sizes)).Append("\">");
        sb.Append("<img src=\"").Append(fallback.Url).Append("\" srcset=\"").Append(SrcSet(image, ImagePipeline.JpegContentType))
            .Append("\" sizes=\"").Append(e.Encode(sizes)).Append("\" width=\"").Append(fallback.Width).Append("\" height=\"").Append(fallback.Height)
            .Append("\" alt=\"").Append(e.Encode(alt)).Append("\" decoding=\"async\"");
        sb.Append(eager ? " fetchpriority=\"high\"" : " loading=\"lazy\"");
        sb.Append("></picture></span>");
        return sb.ToString();
    }

    private static string SrcSet(MediaImageView image, string contentType) =>
        string.Join(", ", image.Renditions.Where(r => r.ContentType == contentType).OrderBy(r => r.Width).Select(r => $"{r.Url} {r.Width}w"));
}
