using NetVips;

namespace Community.Media.Tests;

/// <summary>
/// Issue #10: a rendition shows the colour the upload showed. Renditions carry no ICC profile, so browsers read them as
/// sRGB: an upload without a profile must keep its numbers, and one in a wide gamut must be converted, not relabelled.
/// </summary>
public sealed class ColourTests
{
    private const double Tolerance = 3;
    private static readonly double[] DarkBlue = [30, 40, 60];
    private static readonly double[] Vivid = [200, 60, 40];

    private readonly ImagePipeline pipeline = new();

    [Fact]
    public void Jpeg_without_a_profile_keeps_its_colour()
    {
        // libvips 8.14 exported to sRGB without importing as sRGB first: (30,40,60) came out as (24,25,45).
        using var flat = Flat(DarkBlue);
        var upload = flat.JpegsaveBuffer(q: 95);
        using (var loaded = TestImages.Load(upload))
        {
            Assert.Equal(0, loaded.GetTypeOf("icc-profile-data"));
        }

        AssertEveryRenditionIs(DarkBlue, upload);
    }

    [Fact]
    public void Jpeg_with_an_srgb_profile_keeps_its_colour()
    {
        using var flat = Flat(DarkBlue);
        using var tagged = flat.IccTransform("srgb", inputProfile: "srgb");
        var upload = tagged.JpegsaveBuffer(q: 95);
        using (var loaded = TestImages.Load(upload))
        {
            Assert.NotEqual(0, loaded.GetTypeOf("icc-profile-data"));
        }

        AssertEveryRenditionIs(DarkBlue, upload);
    }

    [Fact]
    public void Display_p3_jpeg_is_converted_to_the_same_colour_in_srgb()
    {
        using var flat = Flat(Vivid);
        using var p3 = flat.IccTransform("p3", inputProfile: "srgb");
        var upload = p3.JpegsaveBuffer(q: 95);

        // The stored numbers are P3 ones, far from the sRGB colour they stand for: copying them would be visibly wrong.
        var raw = MeanColour(upload);
        Assert.True(Enumerable.Range(0, 3).Any(band => Math.Abs(raw[band] - Vivid[band]) > 3 * Tolerance), Show(raw));

        AssertEveryRenditionIs(Vivid, upload);
    }

    private void AssertEveryRenditionIs(double[] expected, byte[] upload)
    {
        var result = pipeline.Process(upload, ImageKind.Story);

        Assert.All(result.Renditions, r =>
        {
            using (var rendition = TestImages.Load(r.Bytes))
            {
                Assert.Equal(0, rendition.GetTypeOf("icc-profile-data"));
            }

            var mean = MeanColour(r.Bytes);
            Assert.True(
                Enumerable.Range(0, 3).All(band => Math.Abs(mean[band] - expected[band]) <= Tolerance),
                $"{r.Width}px {r.ContentType}: {Show(mean)}, expected {Show(expected)}");
        });
    }

    private static Image Flat(double[] colour)
    {
        Vips.EnsureInitialized();
        using var black = Image.Black(400, 300, bands: 3);
        using var coloured = black + colour;
        using var bytes = coloured.Cast(Enums.BandFormat.Uchar);
        return bytes.Copy(interpretation: Enums.Interpretation.Srgb);
    }

    /// <summary>Mean of each of the first three bands, as stored in the file (no colour management).</summary>
    private static double[] MeanColour(byte[] encoded)
    {
        using var image = TestImages.Load(encoded);
        using var stats = image.Stats();
        return [.. Enumerable.Range(1, 3).Select(band => stats[4, band][0])];
    }

    private static string Show(double[] colour) =>
        $"({string.Join(", ", colour.Select(c => c.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))})";
}
