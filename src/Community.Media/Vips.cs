using System.Runtime.InteropServices;
using NetVips;

namespace Community.Media;

/// <summary>
/// Process-wide libvips settings for untrusted uploads. libvips 8.18 comes from NetVips.Native: one self-contained
/// library built without loadable modules, so no Debian libvips42 and no module (vips-openslide and its system
/// libsqlite3) can be pulled into the process next to the app's own SQLite.
/// </summary>
internal static partial class Vips
{
    // The largest side WebP can encode; renditions are fitted inside it.
    internal const int MaxWebPSide = 16383;

    /// <summary>The only loaders that may ever run, one per <see cref="ImageFormat"/>.</summary>
    internal static readonly IReadOnlyList<string> AllowedLoaders =
        ["VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer", "VipsForeignLoadWebpBuffer", "VipsForeignLoadNsgifBuffer"];

    private static readonly Lock InitLock = new();
    private static volatile bool initialized;

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);

    /// <summary>Returns freed native heap to the operating system (glibc keeps it otherwise).</summary>
    public static bool TrimNativeHeap() => malloc_trim(0) == 1;

    /// <summary>Initialises libvips once per process and locks it down for untrusted input.</summary>
    public static void EnsureInitialized()
    {
        if (initialized)
        {
            return;
        }

        lock (InitLock)
        {
            if (initialized)
            {
                return;
            }

            // Every call works on a fresh upload, so the operation cache only costs memory;
            // two worker threads per pipeline keep a 2-core host responsive under parallel uploads.
            Cache.Max = 0;
            Cache.MaxMem = 0;
            Cache.MaxFiles = 0;
            NetVips.NetVips.Concurrency = 2;

            // Uploads are hostile, and the bundle also carries SVG (librsvg), HEIF and TIFF loaders. Only the four
            // decoders we accept may ever run, even if sniffing were fooled: a blocked loader is not even offered by
            // find_load, and calling it fails.
            NetVips.NetVips.BlockUntrusted = true;
            Operation.Block("VipsForeignLoad", true);
            foreach (var loader in AllowedLoaders)
            {
                Operation.Block(loader, false);
            }

            initialized = true;
        }
    }
}
