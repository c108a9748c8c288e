using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Community.Media;
using Community.Web.Data;
using Community.Web.Features.Publishing;
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
/// without a query; uploads go through libvips once and are recorded in the MediaImages table.
/// </summary>
public sealed class MediaLibrary(IServiceScopeFactory scopes, ImagePipeline pipeline, MediaStore store, TimeProvider clock) : IDisposable
{
    private readonly ConcurrentDictionary<string, MediaImageView> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MediaImageView> _byRendition = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _load = new(1, 1);
    // libvips already uses both cores for one large image; more at once only queues in memory.
    private readonly SemaphoreSlim _processing = new(2, 2);
    private volatile bool _loaded;

    public MediaStore Store => store;

    public async Task EnsureLoadedAsync(CancellationToken ct = default)
    {
        if (_loaded) return;
        await _load.WaitAsync(ct);
        try
        {
            if (_loaded) return;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            foreach (var row in await db.Set<MediaImage>().AsNoTracking().ToListAsync(ct)) Add(MediaImageView.From(row));
            _loaded = true;
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

    /// <summary>Validates, processes and stores an upload; the same bytes uploaded twice are processed once.</summary>
    /// <exception cref="ImageRejectedException">Not an acceptable image; nothing was stored.</exception>
    public async Task<MediaImageView> AddAsync(byte[] upload, ImageKind kind, string? uploaderId, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        var kindName = kind == ImageKind.Avatar ? "avatar" : "story";
        var hash = Convert.ToHexStringLower(SHA256.HashData(upload));
        var id = kind == ImageKind.Avatar ? "a" + hash[..63] : hash;
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
            catch (DbUpdateException)
            {
                // A parallel upload of the same bytes won the insert; its record describes identical files.
            }
        }
        var view = MediaImageView.From(row);
        Add(view);
        return view;
    }

    public void Dispose()
    {
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
