using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using Community.Media;

using Community.Tests.Shared;

namespace Community.Tests.Publishing;

/// <summary>Test uploads built in memory: PNGs by hand, JPEGs through the pipeline, EXIF with GPS spliced in.</summary>
internal static class StoryImages
{
    public static byte[] Png(int width, int height, bool bomb = false)
    {
        var row = new byte[1 + width * 3];
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var rows = bomb ? 4 : height;
            for (var y = 0; y < rows; y++)
            {
                if (!bomb)
                {
                    for (var x = 0; x < width; x++)
                    {
                        row[1 + x * 3] = (byte)(x * 255 / width);
                        row[2 + x * 3] = (byte)(y * 255 / height);
                        row[3 + x * 3] = (byte)((x / 16 + y / 16) % 2 == 0 ? 200 : 60);
                    }
                }
                zlib.Write(row);
            }
        }
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        PngChunks.Write(png, "IHDR", ihdr);
        PngChunks.Write(png, "IDAT", compressed.ToArray());
        PngChunks.Write(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A JPEG with an EXIF block carrying GPS coordinates (52°N 4°E, "Amsterdam").</summary>
    public static byte[] JpegWithGps(int width, int height)
    {
        var processed = new ImagePipeline().Process(Png(width, height), ImageKind.Story);
        var jpeg = processed.Renditions.Where(r => r.ContentType == "image/jpeg").MaxBy(r => r.Width)!.Bytes;
        return [.. jpeg.AsSpan(0, 2), .. ExifWithGps(), .. jpeg.AsSpan(2)];
    }

    /// <summary>An EXIF block (JPEG APP1 "Exif", WebP "EXIF" chunk) or XMP packet anywhere in the file.</summary>
    public static bool HasMetadata(byte[] bytes) =>
        bytes.AsSpan().IndexOf("Exif\0\0"u8) >= 0 || bytes.AsSpan().IndexOf("EXIF"u8) >= 0 || bytes.AsSpan().IndexOf("XMP "u8) >= 0
        || bytes.AsSpan().IndexOf("http://ns.adobe.com/xap"u8) >= 0;

    public static MultipartFormDataContent Form(byte[] bytes, string fileName, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { content, "file", fileName } };
    }

    private static byte[] ExifWithGps()
    {
        var tiff = new byte[140];
        var t = tiff.AsSpan();
        "II"u8.CopyTo(t);
        BinaryPrimitives.WriteUInt16LittleEndian(t[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(t[4..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(t[8..], 2);
        Entry(t[10..], 0x0112, 3, 1, 1);
        Entry(t[22..], 0x8825, 4, 1, 38);
        BinaryPrimitives.WriteUInt16LittleEndian(t[38..], 4);
        Entry(t[40..], 0x0001, 2, 2, 'N');
        Entry(t[52..], 0x0002, 5, 3, 92);
        Entry(t[64..], 0x0003, 2, 2, 'E');
        Entry(t[76..], 0x0004, 5, 3, 116);
        uint[] lat = [52, 1, 22, 1, 3075, 100];
        uint[] lon = [4, 1, 53, 1, 4560, 100];
        for (var i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(t[(92 + i * 4)..], lat[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(t[(116 + i * 4)..], lon[i]);
        }
        var segment = new byte[10 + tiff.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(8 + tiff.Length));
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment.AsSpan(10));
        return segment;

        static void Entry(Span<byte> at, ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(at, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(at[2..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(at[4..], count);
            if (type == 3) BinaryPrimitives.WriteUInt16LittleEndian(at[8..], (ushort)value);
            else BinaryPrimitives.WriteUInt32LittleEndian(at[8..], value);
        }
    }
}
