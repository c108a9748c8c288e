using System.Buffers.Binary;

namespace Community.Media.Tests;

/// <summary>
/// Issue #9, item 13: every format's declared canvas is checked from its header before decoding. Each upload below is a
/// small file whose header claims far more than 40 megapixels.
/// </summary>
public class ImageCanvasTests
{
    private readonly ImagePipeline pipeline = new();

    [Fact]
    public void Gif_declaring_a_65535_square_canvas_is_refused_from_its_header()
    {
        var gif = Gif(screenWidth: 65535, screenHeight: 65535, frameLeft: 0, frameWidth: 1, frameHeight: 1);
        AssertTooManyPixels(gif, "65535x65535");
    }

    [Fact]
    public void Gif_frame_reaching_far_beyond_a_small_screen_is_refused()
    {
        var gif = Gif(screenWidth: 10, screenHeight: 10, frameLeft: 60000, frameWidth: 2, frameHeight: 60000);
        AssertTooManyPixels(gif, "60002x60000");
    }

    [Fact]
    public void Png_ihdr_declaring_50000_square_is_refused_from_its_header()
    {
        var png = TestImages.Make(8, 8, ".png");
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 50_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 50_000);
        AssertTooManyPixels(png, "50000x50000");
    }

    [Fact]
    public void Jpeg_frame_header_declaring_60000_square_is_refused_from_its_header()
    {
        var jpeg = TestImages.Make(8, 8, ".jpg[Q=80]");
        var sof = FrameHeader(jpeg);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 60_000);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 60_000);
        AssertTooManyPixels(jpeg, "60000x60000");
    }

    [Fact]
    public void Lossy_webp_declaring_16383_square_is_refused_from_its_header()
    {
        var webp = Simple(TestImages.Make(8, 8, ".webp[Q=80]"), "VP8 ");
        Assert.Equal("VP8 "u8.ToArray(), webp[12..16]);
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(26), 16383);
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(28), 16383);
        AssertTooManyPixels(webp, "16383x16383");
    }

    [Fact]
    public void Lossless_webp_declaring_16384_square_is_refused_from_its_header()
    {
        var webp = Simple(TestImages.Make(8, 8, ".webp[lossless]"), "VP8L");
        Assert.Equal("VP8L"u8.ToArray(), webp[12..16]);
        var bits = BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(21)) & ~0x0FFF_FFFFu;
        BinaryPrimitives.WriteUInt32LittleEndian(webp.AsSpan(21), bits | 16383u | (16383u << 14));
        AssertTooManyPixels(webp, "16384x16384");
    }

    [Fact]
    public void Extended_webp_declaring_a_20000_square_canvas_is_refused_from_its_header()
    {
        var inner = Simple(TestImages.Make(8, 8, ".webp[Q=80]"), "VP8 ");
        var vp8x = new byte[18];
        "VP8X"u8.CopyTo(vp8x);
        BinaryPrimitives.WriteUInt32LittleEndian(vp8x.AsSpan(4), 10);
        WriteInt24(vp8x.AsSpan(12), 19_999);
        WriteInt24(vp8x.AsSpan(15), 19_999);
        byte[] body = [.. "WEBP"u8, .. vp8x, .. inner.AsSpan(12)];
        byte[] webp = [.. "RIFF"u8, .. BitConverter.GetBytes(body.Length), .. body];
        AssertTooManyPixels(webp, "20000x20000");
    }

    [Theory]
    [InlineData(".jpg[Q=80]")]
    [InlineData(".png")]
    [InlineData(".webp[Q=80]")]
    [InlineData(".webp[lossless]")]
    [InlineData(".gif")]
    public void Header_canvas_matches_what_the_encoder_wrote(string format)
    {
        var bytes = TestImages.Make(123, 45, format);
        var canvas = ImageCanvas.Read(ImageFormatSniffer.Sniff(bytes)!.Value, bytes);
        Assert.Equal((123L, 45L), canvas);
    }

    private void AssertTooManyPixels(byte[] upload, string size)
    {
        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Inspect(upload));
        Assert.Equal(ImageRejectionReason.TooManyPixels, error.Reason);
        Assert.Equal(413, error.StatusCode);
        Assert.Contains(size, error.Message, StringComparison.Ordinal);
        Assert.Equal(ImageRejectionReason.TooManyPixels, Assert.Throws<ImageRejectedException>(() => pipeline.Process(upload, ImageKind.Story)).Reason);
    }

    /// <summary>A GIF89a with no colour tables and one frame of LZW data for a single pixel.</summary>
    private static byte[] Gif(ushort screenWidth, ushort screenHeight, ushort frameLeft, ushort frameWidth, ushort frameHeight)
    {
        var bytes = new List<byte>("GIF89a"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(screenWidth));
        bytes.AddRange(BitConverter.GetBytes(screenHeight));
        bytes.AddRange([0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF]); // 2-entry global colour table: black, white
        bytes.Add(0x2C);
        bytes.AddRange(BitConverter.GetBytes(frameLeft));
        bytes.AddRange(BitConverter.GetBytes((ushort)0));
        bytes.AddRange(BitConverter.GetBytes(frameWidth));
        bytes.AddRange(BitConverter.GetBytes(frameHeight));
        bytes.Add(0);
        bytes.AddRange([0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]); // LZW min size 2, one sub-block, terminator, trailer
        return [.. bytes];
    }

    /// <summary>The simple-format WebP (RIFF, WEBP, one image chunk) inside whatever libvips wrote (it adds VP8X).</summary>
    private static byte[] Simple(byte[] webp, string chunk)
    {
        var i = 12;
        while (i + 8 <= webp.Length)
        {
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(i + 4));
            if (System.Text.Encoding.ASCII.GetString(webp, i, 4) == chunk)
            {
                byte[] body = [.. "WEBP"u8, .. webp.AsSpan(i, 8 + size + (size & 1))];
                return [.. "RIFF"u8, .. BitConverter.GetBytes(body.Length), .. body];
            }
            i += 8 + size + (size & 1);
        }
        throw new InvalidOperationException($"no {chunk} chunk");
    }

    private static int FrameHeader(byte[] jpeg)
    {
        var i = 2;
        while (true)
        {
            var marker = jpeg[i + 1];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC) return i;
            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }
    }

    private static void WriteInt24(Span<byte> span, int value)
    {
        span[0] = (byte)value;
        span[1] = (byte)(value >> 8);
        span[2] = (byte)(value >> 16);
    }
}
