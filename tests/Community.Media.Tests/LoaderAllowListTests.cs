using System.Text;
using NetVips;

namespace Community.Media.Tests;

/// <summary>
/// Issue #10: the bundled libvips also carries SVG (librsvg), HEIF and TIFF loaders. Uploads are named by the uploader and
/// the pipeline never reads the name, so an SVG, HEIC or TIFF called photo.jpg (or .png, .webp, .gif) is just these
/// bytes: refused from its first bytes, and the loaders themselves are blocked in case sniffing were ever fooled.
/// </summary>
public sealed class LoaderAllowListTests
{
    private readonly ImagePipeline pipeline = new();

    public static TheoryData<string> ForeignFormats => ["svg", "heic", "tiff"];

    [Theory]
    [MemberData(nameof(ForeignFormats))]
    public void Svg_heic_and_tiff_renamed_as_an_accepted_format_are_refused(string kind)
    {
        var upload = Foreign(kind);

        var processed = Assert.Throws<ImageRejectedException>(() => pipeline.Process(upload, ImageKind.Story));
        var inspected = Assert.Throws<ImageRejectedException>(() => pipeline.Inspect(upload));

        Assert.Equal(ImageRejectionReason.UnsupportedFormat, processed.Reason);
        Assert.Equal(ImageRejectionReason.UnsupportedFormat, inspected.Reason);
        Assert.Equal(400, processed.StatusCode);
        Assert.Null(processed.InnerException);
    }

    [Theory]
    [MemberData(nameof(ForeignFormats))]
    public void Svg_heif_and_tiff_loaders_in_the_bundle_cannot_run(string kind)
    {
        var bytes = Foreign(kind);
        Vips.EnsureInitialized();

        Assert.Null(Image.FindLoadBuffer(bytes));
        Assert.Throws<VipsException>(() => Image.NewFromBuffer(bytes));
        Assert.Throws<VipsException>(() => Image.ThumbnailBuffer(bytes, 16));
        Assert.Throws<VipsException>(() => kind switch
        {
            "svg" => Image.SvgloadBuffer(bytes),
            "heic" => Image.HeifloadBuffer(bytes),
            _ => Image.TiffloadBuffer(bytes),
        });
    }

    [Theory]
    [MemberData(nameof(ImagePipelineTests.EncodedFormats), MemberType = typeof(ImagePipelineTests))]
    public void Each_accepted_format_still_finds_its_own_loader(string encoding, ImageFormat format)
    {
        var bytes = TestImages.Make(16, 16, encoding);

        Assert.Equal(ImageFormatSniffer.LoaderName(format), Image.FindLoadBuffer(bytes));
    }

    /// <summary>Real files of each kind, made with the bundle's own savers (which stay available).</summary>
    private static byte[] Foreign(string kind)
    {
        if (kind == "svg")
        {
            return Encoding.UTF8.GetBytes(
                """<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16"/></svg>""");
        }

        Vips.EnsureInitialized();
        using var image = Image.NewFromMemory(new byte[16 * 16 * 3], 16, 16, 3, Enums.BandFormat.Uchar);
        if (kind == "tiff")
        {
            var tiff = image.TiffsaveBuffer();
            Assert.Equal("II*\0"u8.ToArray(), tiff[..4]);
            return tiff;
        }

        // The bundle encodes HEIF with AV1 only (no HEVC encoder); the heif loader decodes both. The brand says HEIC.
        var heif = image.HeifsaveBuffer(compression: Enums.ForeignHeifCompression.Av1);
        Assert.Equal("ftypavif"u8.ToArray(), heif[4..12]);
        "heic"u8.CopyTo(heif.AsSpan(8));
        return heif;
    }
}
