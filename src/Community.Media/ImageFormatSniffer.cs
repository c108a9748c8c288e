using System.Text;

namespace Community.Media;

/// <summary>
/// Decides what an upload is from its bytes alone. File names and declared content types are
/// chosen by the uploader and are never consulted.
/// </summary>
public static class ImageFormatSniffer
{
    // Markup that turns an "image" into something a browser might run. Every token is long enough
    // that compressed pixel data matches it by chance less than once in ~10^8 uploads of 10 MB.
    private static readonly byte[][] MarkupTokens =
    [
        "<script"u8.ToArray(),
        "<!doctype"u8.ToArray(),
        "<iframe"u8.ToArray(),
        "<object"u8.ToArray(),
        "<embed"u8.ToArray(),
        "<html>"u8.ToArray(),
        "<html "u8.ToArray(),
        "<svg xmlns"u8.ToArray(),
    ];

    /// <summary>The format announced by the leading magic bytes, or null for anything else.</summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageFormat.Jpeg;
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        return null;
    }

    /// <summary>
    /// True when the bytes carry HTML, SVG, script or server-page markup anywhere: an image with
    /// such a payload is a polyglot, whatever its first bytes say.
    /// </summary>
    public static bool ContainsMarkup(ReadOnlySpan<byte> data)
    {
        var rest = data;
        while (true)
        {
            var at = rest.IndexOf((byte)'<');
            if (at < 0)
            {
                return false;
            }

            rest = rest[at..];
            foreach (var token in MarkupTokens)
            {
                if (rest.Length >= token.Length && Ascii.EqualsIgnoreCase(rest[..token.Length], token))
                {
                    return true;
                }
            }

            rest = rest[1..];
        }
    }

    internal static string LoaderName(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "VipsForeignLoadJpegBuffer",
        ImageFormat.Png => "VipsForeignLoadPngBuffer",
        ImageFormat.WebP => "VipsForeignLoadWebpBuffer",
        ImageFormat.Gif => "VipsForeignLoadNsgifBuffer",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
