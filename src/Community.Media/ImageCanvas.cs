using System.Buffers.Binary;

namespace Community.Media;

/// <summary>
/// Reads the canvas an upload declares straight from its header bytes, before any decoder sees it. Decoders do not all
/// report what they will allocate (a GIF's logical screen of 65535x65535 passed libvips' header check), so the pixel
/// limit is applied to what the file itself claims: the JPEG frame, the PNG IHDR, the WebP canvas (VP8X, VP8, VP8L), and
/// the GIF logical screen together with every frame's extent.
/// </summary>
public static class ImageCanvas
{
    /// <summary>The declared width and height, or null when the header is missing or malformed.</summary>
    public static (long Width, long Height)? Read(ImageFormat format, ReadOnlySpan<byte> data) => format switch
    {
        ImageFormat.Jpeg => Jpeg(data),
        ImageFormat.Png => Png(data),
        ImageFormat.WebP => WebP(data),
        ImageFormat.Gif => Gif(data),
        _ => null,
    };

    private static (long, long)? Png(ReadOnlySpan<byte> data)
    {
        // Signature (8), then the first chunk must be IHDR: length (4), type (4), width (4), height (4), big-endian.
        if (data.Length < 24 || !data.Slice(12, 4).SequenceEqual("IHDR"u8)) return null;
        return (BinaryPrimitives.ReadUInt32BigEndian(data[16..]), BinaryPrimitives.ReadUInt32BigEndian(data[20..]));
    }

    private static (long, long)? Jpeg(ReadOnlySpan<byte> data)
    {
        var i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF) return null;
            var marker = data[i + 1];
            if (marker == 0xFF) { i++; continue; } // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { i += 2; continue; } // markers without a length
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            if (length < 2) return null;
            // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision (1), height (2), width (2).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (i + 9 > data.Length) return null;
                long height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                long width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
                return height == 0 || width == 0 ? null : (width, height);
            }
            if (marker is 0xDA or 0xD9) return null; // scan data or the end before any frame header
            i += 2 + length;
        }
        return null;
    }

    private static (long, long)? WebP(ReadOnlySpan<byte> data)
    {
        if (data.Length < 30) return null;
        var chunk = data.Slice(12, 4);
        var body = data[20..];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Flags (4), then canvas width - 1 and height - 1 as 24-bit little-endian numbers.
            return (Int24(body[4..]) + 1L, Int24(body[7..]) + 1L);
        }
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Frame tag (3), start code 9D 01 2A, then 14-bit width and height (the top two bits are scaling).
            if (body[3] != 0x9D || body[4] != 0x01 || body[5] != 0x2A) return null;
            return (BinaryPrimitives.ReadUInt16LittleEndian(body[6..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(body[8..]) & 0x3FFF);
        }
        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Signature 0x2F, then width - 1 and height - 1 in 14 bits each.
            if (body[0] != 0x2F) return null;
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(body[1..]);
            return ((bits & 0x3FFF) + 1L, ((bits >> 14) & 0x3FFF) + 1L);
        }
        return null;
    }

    private static int Int24(ReadOnlySpan<byte> b) => b[0] | (b[1] << 8) | (b[2] << 16);

    private static (long, long)? Gif(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13) return null;
        long width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        long height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        var i = 13 + ColorTable(data[10]);
        var frames = 0;
        // Walk the blocks: a frame may reach beyond the logical screen, and decoders grow the canvas to fit it.
        while (i < data.Length && data[i] != 0x3B)
        {
            if (data[i] == 0x2C && i + 10 <= data.Length)
            {
                var left = BinaryPrimitives.ReadUInt16LittleEndian(data[(i + 1)..]);
                var top = BinaryPrimitives.ReadUInt16LittleEndian(data[(i + 3)..]);
                width = Math.Max(width, left + (long)BinaryPrimitives.ReadUInt16LittleEndian(data[(i + 5)..]));
                height = Math.Max(height, top + (long)BinaryPrimitives.ReadUInt16LittleEndian(data[(i + 7)..]));
                i = SkipSubBlocks(data, i + 10 + ColorTable(data[i + 9]) + 1); // + LZW minimum code size
                frames++;
            }
            else if (data[i] == 0x21 && i + 2 <= data.Length)
            {
                i = SkipSubBlocks(data, i + 2);
            }
            else
            {
                return null; // not a GIF block: garbage after a GIF signature
            }
        }
        // A truncated last frame is left to the decoder; a file without any frame is not an image.
        return frames == 0 ? null : (width, height);
    }

    private static int ColorTable(byte packed) => (packed & 0x80) == 0 ? 0 : 3 << ((packed & 0x07) + 1);

    private static int SkipSubBlocks(ReadOnlySpan<byte> data, int i)
    {
        while (i < data.Length && data[i] != 0) i += data[i] + 1;
        return i + 1;
    }
}
