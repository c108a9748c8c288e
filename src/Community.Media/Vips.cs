using System.Runtime.InteropServices;

namespace Community.Media;

/// <summary>
/// The slice of libvips 8.14 (Debian's libvips42) that the image pipeline uses.
/// </summary>
/// <remarks>
/// Most libvips operations are C varargs functions taking (name, value) pairs ended by NULL.
/// P/Invoke cannot call varargs directly, so each use gets a fixed overload ending in a null
/// terminator. That is safe on x86-64 System V and arm64 Linux as long as the optional values are
/// ints, enums or pointers (never doubles), which is true of every overload here.
/// </remarks>
internal static partial class Vips
{
    private const string LibVips = "libvips.so.42";
    private const string LibGObject = "libgobject-2.0.so.0";
    private const string LibGLib = "libglib-2.0.so.0";

    /// <summary>A VIPSHOME with no lib/vips-modules-* folder under it, so libvips loads no modules.</summary>
    internal const string NoModulesHome = "/nonexistent/community-vips-no-modules";

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);

    /// <summary>Returns freed native heap to the operating system (glibc keeps it otherwise).</summary>
    public static bool TrimNativeHeap() => malloc_trim(0) == 1;

    private static readonly Lock InitLock = new();
    private static volatile bool initialized;

    // VipsFailOn
    internal const int FailOnTruncated = 1;

    // VipsAccess
    internal const int AccessSequential = 1;

    // VipsSize
    internal const int SizeBoth = 0;
    internal const int SizeDown = 2;

    // VipsInteresting
    internal const int InterestingNone = 0;
    internal const int InterestingCentre = 1;
    internal const int InterestingAttention = 3;

    // The largest side WebP can encode; renditions are fitted inside it.
    internal const int MaxWebPSide = 16383;

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

            // No libvips modules (heif, magick, openslide, poppler, jxl): we decode only JPEG, PNG, WebP and GIF, which
            // are built in. Modules are opened with global symbol binding, and vips-openslide drags in the system
            // libsqlite3, whose symbols then hijack the app's own SQLite (e_sqlite3) mid-checkpoint and crash the process.
            // libvips 8.14 finds its modules under $VIPSHOME; the native environment must be set, not .NET's copy.
            setenv("VIPSHOME", NoModulesHome, 1);
            if (vips_init("community") != 0)
            {
                throw TakeError("vips_init");
            }

            // Every call works on a fresh upload, so the operation cache only costs memory;
            // two worker threads per pipeline keep a 2-core host responsive under parallel uploads.
            vips_cache_set_max(0);
            vips_cache_set_max_mem(0);
            vips_concurrency_set(2);

            // Uploads are hostile. Only the four decoders we accept may ever run: this keeps
            // ImageMagick, Poppler, librsvg and friends out of reach even if sniffing were fooled.
            vips_block_untrusted_set(1);
            vips_operation_block_set("VipsForeignLoad", 1);
            foreach (var loader in (ReadOnlySpan<string>)["VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer", "VipsForeignLoadWebpBuffer", "VipsForeignLoadNsgifBuffer"])
            {
                vips_operation_block_set(loader, 0);
            }

            initialized = true;
        }
    }

    /// <summary>Reads and clears the libvips error buffer into an exception.</summary>
    public static InvalidOperationException TakeError(string operation)
    {
        var buffer = vips_error_buffer_copy();
        string message;
        try
        {
            message = Marshal.PtrToStringUTF8(buffer)?.Trim() ?? string.Empty;
        }
        finally
        {
            g_free(buffer);
        }

        return new InvalidOperationException(string.IsNullOrEmpty(message) ? $"{operation} failed" : $"{operation}: {message}");
    }

    /// <summary>The nickname of the loader libvips would pick for these bytes, or null.</summary>
    public static unsafe string? FindLoader(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var name = vips_foreign_find_load_buffer(p, (nuint)data.Length);
            if (name == 0)
            {
                vips_error_clear();
                return null;
            }

            return Marshal.PtrToStringUTF8(name);
        }
    }

    /// <summary>
    /// Opens an image for header access only; pixels are decoded later and only if asked for.
    /// The bytes must stay pinned for as long as the returned image (or anything made from it) lives.
    /// </summary>
    public static unsafe VipsImageHandle LoadHeader(ImageFormat format, byte* data, nuint length)
    {
        int result;
        VipsImageHandle image;
        switch (format)
        {
            case ImageFormat.Jpeg:
                result = vips_jpegload_buffer(data, length, out image, "access", AccessSequential, "fail_on", FailOnTruncated, 0);
                break;
            case ImageFormat.Png:
                result = vips_pngload_buffer(data, length, out image, "access", AccessSequential, "fail_on", FailOnTruncated, 0);
                break;
            case ImageFormat.WebP:
                result = vips_webpload_buffer(data, length, out image, "access", AccessSequential, "fail_on", FailOnTruncated, 0);
                break;
            case ImageFormat.Gif:
                result = vips_gifload_buffer(data, length, out image, "access", AccessSequential, "fail_on", FailOnTruncated, 0);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }

        return Checked(result, image, "load");
    }

    public static int Width(VipsImageHandle image) => vips_image_get_width(image);

    public static int Height(VipsImageHandle image) => vips_image_get_height(image);

    public static int? GetInt(VipsImageHandle image, string field) =>
        vips_image_get_typeof(image, field) != 0 && vips_image_get_int(image, field, out var value) == 0 ? value : null;

    public static bool HasField(VipsImageHandle image, string field) => vips_image_get_typeof(image, field) != 0;

    /// <summary>
    /// Decodes with shrink-on-load straight to a thumbnail fitting width x height, autorotated and
    /// converted to sRGB if the source carries an ICC profile.
    /// </summary>
    public static unsafe VipsImageHandle ThumbnailBuffer(byte* data, nuint length, int width, int height, int size, int crop)
    {
        var result = vips_thumbnail_buffer(
            data, length, out var image, width,
            "height", height, "size", size, "crop", crop,
            "export_profile", "srgb", "option_string", "fail_on=truncated", 0);
        return Checked(result, image, "thumbnail_buffer");
    }

    public static VipsImageHandle ThumbnailImage(VipsImageHandle input, int width, int height, int size, int crop)
    {
        var result = vips_thumbnail_image(input, out var image, width, "height", height, "size", size, "crop", crop, 0);
        return Checked(result, image, "thumbnail_image");
    }

    /// <summary>Runs the pipeline behind a lazy image once and keeps the pixels in memory.</summary>
    public static VipsImageHandle CopyMemory(VipsImageHandle input)
    {
        var image = vips_image_copy_memory(input);
        if (image.IsInvalid)
        {
            image.Dispose();
            throw TakeError("copy_memory");
        }

        return image;
    }

    /// <summary>
    /// Deletes every metadata item (EXIF, XMP, IPTC, ICC, orientation, comments) from an image we own.
    /// The encoders' "strip" option alone is not enough: libvips 8.14's webpsave still writes EXIF and XMP.
    /// </summary>
    public static unsafe void RemoveMetadata(VipsImageHandle image)
    {
        var fields = vips_image_get_fields(image);
        try
        {
            for (var field = (nint*)fields; *field != 0; field++)
            {
                // Built-in header fields (width, bands, ...) are not removable and are left alone.
                vips_image_remove(image, *field);
            }
        }
        finally
        {
            g_strfreev(fields);
        }
    }

    public static VipsImageHandle GaussBlur(VipsImageHandle input, double sigma) =>
        Checked(vips_gaussblur(input, out var image, sigma, 0), image, "gaussblur");

    /// <summary>Encodes, e.g. with ".webp[Q=80,strip]" or ".jpg[Q=82,strip,interlace]".</summary>
    public static byte[] WriteToBuffer(VipsImageHandle image, string format)
    {
        if (vips_image_write_to_buffer(image, format, out var buffer, out var size, 0) != 0)
        {
            throw TakeError("write_to_buffer " + format);
        }

        try
        {
            var bytes = new byte[checked((int)size)];
            Marshal.Copy(buffer, bytes, 0, bytes.Length);
            return bytes;
        }
        finally
        {
            g_free(buffer);
        }
    }

    private static VipsImageHandle Checked(int result, VipsImageHandle image, string operation)
    {
        if (result == 0 && !image.IsInvalid)
        {
            return image;
        }

        image.Dispose();
        throw TakeError(operation);
    }

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int vips_init(string argv0);

    [LibraryImport(LibVips)]
    private static partial void vips_cache_set_max(int max);

    [LibraryImport(LibVips)]
    private static partial void vips_cache_set_max_mem(nuint maxMem);

    [LibraryImport(LibVips)]
    private static partial void vips_concurrency_set(int concurrency);

    [LibraryImport(LibVips)]
    private static partial void vips_block_untrusted_set(int state);

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static partial void vips_operation_block_set(string name, int state);

    [LibraryImport(LibVips)]
    private static partial nint vips_error_buffer_copy();

    [LibraryImport(LibVips)]
    private static partial void vips_error_clear();

    [LibraryImport(LibGObject)]
    internal static partial void g_object_unref(nint gobject);

    [LibraryImport(LibGLib)]
    private static partial void g_free(nint memory);

    [LibraryImport(LibVips)]
    private static unsafe partial nint vips_foreign_find_load_buffer(byte* data, nuint size);

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int vips_jpegload_buffer(byte* buf, nuint len, out VipsImageHandle output, string k1, int v1, string k2, int v2, nint terminator);

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int vips_pngload_buffer(byte* buf, nuint len, out VipsImageHandle output, string k1, int v1, string k2, int v2, nint terminator);

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int vips_webpload_buffer(byte* buf, nuint len, out VipsImageHandle output, string k1, int v1, string k2, int v2, nint terminator);

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int vips_gifload_buffer(byte* buf, nuint len, out VipsImageHandle output, string k1, int v1, string k2, int v2, nint terminator);

    [LibraryImport(LibVips)]
    private static partial int vips_image_get_width(VipsImageHandle image);

    [LibraryImport(LibVips)]
    private static partial int vips_image_get_height(VipsImageHandle image);

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nuint vips_image_get_typeof(VipsImageHandle image, string name);

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int vips_image_get_int(VipsImageHandle image, string name, out int value);

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int vips_thumbnail_buffer(
        byte* buf, nuint len, out VipsImageHandle output, int width,
        string k1, int v1, string k2, int v2, string k3, int v3, string k4, string v4, string k5, string v5, nint terminator);

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int vips_thumbnail_image(
        VipsImageHandle input, out VipsImageHandle output, int width,
        string k1, int v1, string k2, int v2, string k3, int v3, nint terminator);

    [LibraryImport(LibVips)]
    private static partial nint vips_image_get_fields(VipsImageHandle image);

    [LibraryImport(LibVips)]
    private static partial int vips_image_remove(VipsImageHandle image, nint name);

    [LibraryImport(LibGLib)]
    private static partial void g_strfreev(nint strings);

    [LibraryImport(LibVips)]
    private static partial VipsImageHandle vips_image_copy_memory(VipsImageHandle input);

    [LibraryImport(LibVips)]
    private static partial int vips_gaussblur(VipsImageHandle input, out VipsImageHandle output, double sigma, nint terminator);

    [LibraryImport(LibVips, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int vips_image_write_to_buffer(VipsImageHandle input, string suffix, out nint buffer, out nuint size, nint terminator);
}

/// <summary>A reference to a VipsImage, released with g_object_unref.</summary>
internal sealed class VipsImageHandle : SafeHandle
{
    public VipsImageHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        Vips.g_object_unref(handle);
        return true;
    }
}
