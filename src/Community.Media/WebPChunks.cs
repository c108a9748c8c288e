using System.Buffers.Binary;

namespace Community.Media;

/// <summary>
/// Removes metadata chunks from an encoded WebP. libvips 8.14's webpsave writes an EXIF chunk even
/// with "strip", so the container is cleaned after encoding.
/// </summary>
internal static class WebPChunks
{
    private const byte IccFlag = 0x20;
    private const byte ExifFlag = 0x08;
    private const byte XmpFlag = 0x04;

    public static byte[] RemoveMetadata(byte[] webp)
    {
        if (webp.Length < 12 || !webp.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !webp.AsSpan(8, 4).SequenceEqual("WEBP"u8))
        {
            throw new InvalidOperationException("The encoder did not produce a WebP file.");
        }

        using var output = new MemoryStream(webp.Length);
        output.Write(webp, 0, 12);
        var removed = false;
        var at = 12;
        while (at + 8 <= webp.Length)
        {
            var fourCc = webp.AsSpan(at, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(at + 4));
            var total = 8 + (long)size + (size & 1);
            if (at + total > webp.Length)
            {
                throw new InvalidOperationException("The encoder produced a malformed WebP file.");
            }

            if (fourCc.SequenceEqual("EXIF"u8) || fourCc.SequenceEqual("XMP "u8) || fourCc.SequenceEqual("ICCP"u8))
            {
                removed = true;
            }
            else
            {
                output.Write(webp, at, (int)total);
            }

            at += (int)total;
        }

        if (!removed)
        {
            return webp;
        }

        var result = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(result.Length - 8));
        if (result.AsSpan(12, 4).SequenceEqual("VP8X"u8))
        {
            result[20] &= unchecked((byte)~(IccFlag | ExifFlag | XmpFlag));
        }

        return result;
    }
}
