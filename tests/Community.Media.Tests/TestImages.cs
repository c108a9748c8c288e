using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

using Community.Tests.Shared;
using NetVips;

namespace Community.Media.Tests;

/// <summary>Builds test uploads in memory with libvips itself, plus a few hand-made byte layouts.</summary>
internal static class TestImages
{
    /// <summary>A smooth gradient with a little texture, encoded by libvips in the given format.</summary>
    public static byte[] Make(int width, int height, string format, int bands = 3)
    {
        var pixels = new byte[width * height * bands];
        var random = new Random(width * 31 + height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * bands;
                var noise = random.Next(-6, 7);
                pixels[i] = (byte)Math.Clamp(x * 255 / width + noise, 0, 255);
                if (bands > 1)
                {
                    pixels[i + 1] = (byte)Math.Clamp(y * 255 / height + noise, 0, 255);
                    pixels[i + 2] = (byte)((x / 40 + y / 40) % 2 == 0 ? 200 : 60);
                }

                if (bands == 4)
                {
                    pixels[i + 3] = (byte)(x < width / 2 ? 255 : 0);
                }
            }
        }

        Vips.EnsureInitialized();
        using var image = Image.NewFromMemory(pixels, width, height, bands, Enums.BandFormat.Uchar);
        return image.WriteToBuffer(format);
    }

    public static byte[] Jpeg(int width, int height, int quality = 90) => Make(width, height, $".jpg[Q={quality}]");

    /// <summary>A JPEG carrying an EXIF block with an orientation tag and GPS coordinates.</summary>
    public static byte[] JpegWithExif(int width, int height, ushort orientation)
    {
        var jpeg = Jpeg(width, height);
        var exif = ExifSegment(orientation);
        return [.. jpeg.AsSpan(0, 2), .. exif, .. jpeg.AsSpan(2)];
    }

    /// <summary>A PNG whose header declares width x height but whose data is a few hundred bytes.</summary>
    public static byte[] PngBomb(int width, int height)
    {
        var row = new byte[1 + width * 3];
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (var i = 0; i < 4; i++)
            {
                zlib.Write(row);
            }
        }

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        PngChunks.Write(png, "IHDR", ihdr);
        PngChunks.Write(png, "IDAT", compressed.ToArray());
        PngChunks.Write(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Whether libvips finds an EXIF block in an encoded image.</summary>
    public static bool HasExif(byte[] encoded)
    {
        using var image = Load(encoded);
        return image.GetTypeOf("exif-data") != 0;
    }

    /// <summary>The orientation tag libvips reads from an encoded image, if any.</summary>
    public static int? Orientation(byte[] encoded)
    {
        using var image = Load(encoded);
        return image.GetTypeOf("orientation") != 0 ? (int)image.Get("orientation") : null;
    }

    /// <summary>Mean sample value of the right half of an encoded image, decoded by libvips.</summary>
    public static double RightHalfMean(byte[] encoded)
    {
        using var image = Load(encoded);
        using var half = image.Crop(image.Width / 2, 0, image.Width - (image.Width / 2), image.Height);
        return half.Avg();
    }

    public static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;

    /// <summary>Decodes an image the pipeline accepts (only those loaders are unblocked), pixels as stored.</summary>
    public static Image Load(byte[] encoded)
    {
        Vips.EnsureInitialized();
        return Image.NewFromBuffer(encoded);
    }

    // TIFF little-endian: IFD0 { Orientation, GPS IFD pointer }, GPS IFD { lat/long refs and values }.
    private static byte[] ExifSegment(ushort orientation)
    {
        var tiff = new byte[140];
        var t = tiff.AsSpan();
        "II"u8.CopyTo(t);
        BinaryPrimitives.WriteUInt16LittleEndian(t[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(t[4..], 8);

        BinaryPrimitives.WriteUInt16LittleEndian(t[8..], 2);
        Entry(t[10..], 0x0112, 3, 1, orientation);
        Entry(t[22..], 0x8825, 4, 1, 38);
        BinaryPrimitives.WriteUInt32LittleEndian(t[34..], 0);

        BinaryPrimitives.WriteUInt16LittleEndian(t[38..], 4);
        Entry(t[40..], 0x0001, 2, 2, 'N');
        Entry(t[52..], 0x0002, 5, 3, 92);
        Entry(t[64..], 0x0003, 2, 2, 'E');
        Entry(t[76..], 0x0004, 5, 3, 116);
        BinaryPrimitives.WriteUInt32LittleEndian(t[88..], 0);

        uint[] latitude = [52, 1, 22, 1, 3075, 100];
        uint[] longitude = [4, 1, 53, 1, 4560, 100];
        for (var i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(t[(92 + i * 4)..], latitude[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(t[(116 + i * 4)..], longitude[i]);
        }

        var segment = new byte[4 + 6 + tiff.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + 6 + tiff.Length));
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment.AsSpan(10));
        return segment;

        static void Entry(Span<byte> at, ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(at, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(at[2..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(at[4..], count);
            if (type == 3)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(at[8..], (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(at[8..], value);
            }
        }
    }
}
