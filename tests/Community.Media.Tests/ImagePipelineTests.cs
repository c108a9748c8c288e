using System.Security.Cryptography;
using System.Text;

namespace Community.Media.Tests;

public class ImagePipelineTests
{
    private readonly ImagePipeline pipeline = new();

    public static TheoryData<string, ImageFormat> EncodedFormats => new()
    {
        { ".jpg[Q=90]", ImageFormat.Jpeg },
        { ".png", ImageFormat.Png },
        { ".webp[Q=90]", ImageFormat.WebP },
        { ".gif", ImageFormat.Gif },
    };

    [Theory]
    [MemberData(nameof(EncodedFormats))]
    public void Each_supported_format_is_recognised_by_its_bytes_and_processed(string encoding, ImageFormat expected)
    {
        var upload = TestImages.Make(400, 300, encoding);

        var result = pipeline.Process(upload, ImageKind.Story);

        Assert.Equal(expected, result.SourceFormat);
        Assert.Equal((400, 300), (result.Width, result.Height));
        Assert.Equal([320, 320, 400, 400], result.Renditions.Select(r => r.Width));
        Assert.All(result.Renditions, r => Assert.Equal(
            r.ContentType == ImagePipeline.WebPContentType ? ImageFormat.WebP : ImageFormat.Jpeg,
            ImageFormatSniffer.Sniff(r.Bytes)));
    }

    [Fact]
    public void Transparent_png_keeps_alpha_in_webp_and_gets_a_white_background_in_jpeg()
    {
        var upload = TestImages.Make(200, 100, ".png", bands: 4);

        var result = pipeline.Process(upload, ImageKind.Story);

        Assert.Equal(2, result.Renditions.Count);
        Assert.All(result.Renditions, r => Assert.Equal(200, r.Width));
        var jpeg = result.Renditions.Single(r => r.ContentType == ImagePipeline.JpegContentType);
        Assert.True(TestImages.RightHalfMean(jpeg.Bytes) > 250, "the transparent half should be white");
    }

    [Fact]
    public void Parallel_uploads_are_processed_independently()
    {
        var uploads = Enumerable.Range(0, 8).Select(i => TestImages.Jpeg(300 + (i * 50), 200)).ToArray();

        var results = new ProcessedImage[uploads.Length];
        Parallel.For(0, uploads.Length, i => results[i] = pipeline.Process(uploads[i], ImageKind.Story));

        for (var i = 0; i < uploads.Length; i++)
        {
            Assert.Equal(300 + (i * 50), results[i].Width);
            Assert.Equal(300 + (i * 50), results[i].Renditions.Max(r => r.Width));
        }
    }

    [Fact]
    public void Html_named_like_a_jpeg_is_refused_as_unsupported()
    {
        var upload = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>");

        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Process(upload, ImageKind.Story));

        Assert.Equal(ImageRejectionReason.UnsupportedFormat, error.Reason);
        Assert.Equal(400, error.StatusCode);
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><script>alert(1)</script></svg>")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>")]
    [InlineData("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")]
    [InlineData("BM this is not a bitmap")]
    [InlineData("")]
    public void Svg_pdf_and_unknown_bytes_are_refused_as_unsupported(string content)
    {
        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Process(Encoding.UTF8.GetBytes(content), ImageKind.Story));

        Assert.Equal(ImageRejectionReason.UnsupportedFormat, error.Reason);
    }

    [Fact]
    public void Truncated_jpeg_is_refused_as_corrupt()
    {
        var jpeg = TestImages.Jpeg(600, 400);
        var truncated = jpeg.AsSpan(0, jpeg.Length / 2).ToArray();

        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Process(truncated, ImageKind.Story));

        Assert.Equal(ImageRejectionReason.Corrupt, error.Reason);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void Gif_header_followed_by_html_is_refused_as_a_polyglot()
    {
        var upload = Encoding.ASCII.GetBytes("GIF89a<html><body><script>alert(document.cookie)</script></body></html>");

        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Process(upload, ImageKind.Story));

        Assert.Equal(ImageRejectionReason.UnsupportedFormat, error.Reason);
    }

    [Fact]
    public void Valid_gif_with_a_script_appended_is_refused_as_a_polyglot()
    {
        var upload = TestImages.Make(50, 50, ".gif").Concat(Encoding.ASCII.GetBytes("<script>alert(1)</script>")).ToArray();

        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Process(upload, ImageKind.Story));

        Assert.Equal(ImageRejectionReason.UnsupportedFormat, error.Reason);
    }

    [Theory]
    [InlineData("GIF89a")]
    [InlineData("\u0089PNG\r\n\u001a\n")]
    [InlineData("\u00ff\u00d8\u00ff\u00e0")]
    [InlineData("RIFF\u0010\0\0\0WEBPVP8 ")]
    public void Valid_signature_followed_by_garbage_is_refused_as_corrupt(string signature)
    {
        var upload = Encoding.Latin1.GetBytes(signature).Concat(Enumerable.Repeat((byte)0x5A, 2000)).ToArray();

        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Process(upload, ImageKind.Story));

        Assert.Equal(ImageRejectionReason.Corrupt, error.Reason);
    }

    [Fact]
    public void Upload_over_ten_megabytes_is_refused_as_too_large()
    {
        var upload = new byte[(10 * 1024 * 1024) + 1];
        upload[0] = 0xFF;
        upload[1] = 0xD8;
        upload[2] = 0xFF;

        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Process(upload, ImageKind.Story));

        Assert.Equal(ImageRejectionReason.TooLarge, error.Reason);
        Assert.Equal(413, error.StatusCode);
    }

    [Fact]
    public void Decompression_bomb_is_refused_from_its_header()
    {
        var bomb = TestImages.PngBomb(20000, 20000);
        Assert.True(bomb.Length < 2000);

        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Process(bomb, ImageKind.Story));

        Assert.Equal(ImageRejectionReason.TooManyPixels, error.Reason);
        Assert.Equal(413, error.StatusCode);
        Assert.Equal(ImageRejectionReason.TooManyPixels, Assert.Throws<ImageRejectedException>(() => pipeline.Inspect(bomb)).Reason);
    }

    [Fact]
    public void Gps_and_other_exif_never_reach_a_rendition()
    {
        var upload = TestImages.JpegWithExif(800, 600, orientation: 1);
        Assert.True(TestImages.HasExif(upload));
        Assert.True(TestImages.Contains(upload, "Exif"));

        var result = pipeline.Process(upload, ImageKind.Story);

        Assert.All(result.Renditions, r =>
        {
            Assert.False(TestImages.HasExif(r.Bytes));
            Assert.False(TestImages.Contains(r.Bytes, "Exif"));
            Assert.Null(TestImages.Orientation(r.Bytes));
        });
    }

    [Fact]
    public void Stripped_renditions_decode_again_at_their_stated_size()
    {
        var result = pipeline.Process(TestImages.JpegWithExif(700, 500, orientation: 1), ImageKind.Story);

        Assert.All(result.Renditions, r =>
        {
            var again = pipeline.Process(r.Bytes, ImageKind.Story);
            Assert.Equal((r.Width, r.Height), (again.Width, again.Height));
        });
    }

    [Fact]
    public void Rotated_photo_comes_out_upright_with_width_and_height_swapped()
    {
        var upload = TestImages.JpegWithExif(480, 360, orientation: 6);
        Assert.Equal(6, TestImages.Orientation(upload));

        var result = pipeline.Process(upload, ImageKind.Story);

        Assert.Equal((360, 480), (result.Width, result.Height));
        Assert.Equal(ImageFormat.Jpeg, pipeline.Inspect(upload).Format);
        Assert.Equal((360, 480), (pipeline.Inspect(upload).Width, pipeline.Inspect(upload).Height));
        Assert.All(result.Renditions, r => Assert.True(r.Height > r.Width, $"{r.Width}x{r.Height} is not portrait"));
        Assert.Contains(result.Renditions, r => (r.Width, r.Height) == (360, 480));
        Assert.Contains(result.Renditions, r => (r.Width, r.Height) == (320, 427));
    }

    [Fact]
    public void Large_story_gets_every_configured_width_with_its_aspect_ratio()
    {
        var upload = TestImages.Jpeg(2000, 1500);

        var result = pipeline.Process(upload, ImageKind.Story);

        Assert.Equal([320, 640, 1024, 1600], result.Renditions.Select(r => r.Width).Distinct());
        Assert.All(result.Renditions, r => Assert.Equal(r.Width * 3 / 4.0, r.Height, tolerance: 1));
        Assert.Equal(2, result.Renditions.Count(r => r.Width == 1600));
    }

    [Theory]
    [InlineData(100, 80)]
    [InlineData(500, 900)]
    [InlineData(1024, 700)]
    public void No_rendition_is_wider_than_the_original(int width, int height)
    {
        var result = pipeline.Process(TestImages.Jpeg(width, height), ImageKind.Story);

        Assert.All(result.Renditions, r => Assert.True(r.Width <= width && r.Height <= height, $"{r.Width}x{r.Height}"));
        Assert.Equal(width, result.Renditions.Max(r => r.Width));
    }

    [Theory]
    [InlineData(AvatarCrop.Attention)]
    [InlineData(AvatarCrop.Centre)]
    public void Avatar_renditions_are_square(AvatarCrop crop)
    {
        var avatars = new ImagePipeline(new ImagePipelineOptions { AvatarCrop = crop });

        var result = avatars.Process(TestImages.Jpeg(600, 400), ImageKind.Avatar);

        Assert.Equal([64, 64, 128, 128, 256, 256], result.Renditions.Select(r => r.Width));
        Assert.All(result.Renditions, r => Assert.Equal(r.Width, r.Height));
        Assert.Equal((600, 400), (result.Width, result.Height));
    }

    [Fact]
    public void Renditions_carry_the_sha256_of_their_bytes_and_a_small_blurred_placeholder()
    {
        var result = pipeline.Process(TestImages.Jpeg(1200, 800), ImageKind.Story);

        Assert.All(result.Renditions, r => Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(r.Bytes)), r.Sha256));
        Assert.StartsWith("data:image/webp;base64,", result.PlaceholderDataUri, StringComparison.Ordinal);
        Assert.True(result.PlaceholderDataUri.Length < 1024, $"placeholder is {result.PlaceholderDataUri.Length} chars");
        var placeholder = Convert.FromBase64String(result.PlaceholderDataUri["data:image/webp;base64,".Length..]);
        Assert.Equal(ImageFormat.WebP, ImageFormatSniffer.Sniff(placeholder));
    }

    [Fact]
    public void Nonsense_options_are_refused_when_the_pipeline_is_built()
    {
        Assert.Throws<ArgumentException>(() => new ImagePipeline(new ImagePipelineOptions { Widths = [320, 0] }));
        Assert.Throws<ArgumentException>(() => new ImagePipeline(new ImagePipelineOptions { WebPQuality = 101 }));
        Assert.Throws<ArgumentException>(() => new ImagePipeline(new ImagePipelineOptions { MaxBytes = 0 }));
    }

    [Fact]
    public void Pixel_limit_is_configurable()
    {
        var strict = new ImagePipeline(new ImagePipelineOptions { MaxPixels = 100 * 100 });

        var error = Assert.Throws<ImageRejectedException>(() => strict.Process(TestImages.Jpeg(101, 100), ImageKind.Story));

        Assert.Equal(ImageRejectionReason.TooManyPixels, error.Reason);
    }
}
