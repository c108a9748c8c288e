using NetVips;

namespace Community.Bench;

/// <summary>
/// SSIM (Wang et al. 2004: Gaussian window, sigma 1.5, K1 0.01, K2 0.03) of the luma of two same-sized encoded images,
/// computed with libvips operations. 1.0 means identical; used to show a rendition against a high-quality reference.
/// </summary>
internal static class ImageQuality
{
    private const double C1 = 0.01 * 255 * 0.01 * 255;
    private const double C2 = 0.03 * 255 * 0.03 * 255;

    /// <summary>The reference a rendition is judged against: a Lanczos3 resize of the full decode, saved at JPEG q=100.</summary>
    public static byte[] LanczosReference(byte[] original, int width)
    {
        using var full = Image.NewFromBuffer(original);
        using var resized = full.Resize(width / (double)full.Width, kernel: Enums.Kernel.Lanczos3);
        return resized.JpegsaveBuffer(q: 100, keep: Enums.ForeignKeep.None);
    }

    public static double Ssim(byte[] encodedA, byte[] encodedB)
    {
        using var a = Image.NewFromBuffer(encodedA);
        using var b = Image.NewFromBuffer(encodedB);
        if ((a.Width, a.Height) != (b.Width, b.Height))
        {
            throw new ArgumentException($"sizes differ: {a.Width}x{a.Height} and {b.Width}x{b.Height}");
        }

        using var x = Luma(a);
        using var y = Luma(b);
        using var mx = Blur(x);
        using var my = Blur(y);
        using var xx = x * x;
        using var yy = y * y;
        using var xy = x * y;
        using var bxx = Blur(xx);
        using var byy = Blur(yy);
        using var bxy = Blur(xy);
        using var mxx = mx * mx;
        using var myy = my * my;
        using var mxy = mx * my;
        using var vx = bxx - mxx;
        using var vy = byy - myy;
        using var cov = bxy - mxy;
        using var n1 = mxy * 2 + C1;
        using var n2 = cov * 2 + C2;
        using var d1 = mxx + myy + C1;
        using var d2 = vx + vy + C2;
        using var numerator = n1 * n2;
        using var denominator = d1 * d2;
        using var map = numerator / denominator;
        return map.Avg();
    }

    // Rec. 601 luma from the first three bands (any alpha is ignored), as float.
    private static Image Luma(Image image)
    {
        using var rgb = image.Bands >= 3 ? image.ExtractBand(0, n: 3) : image.Bandjoin(image, image);
        using var floats = rgb.Cast(Enums.BandFormat.Float);
        using var weights = Image.NewFromArray(new[,] { { 0.299, 0.587, 0.114 } });
        return floats.Recomb(weights);
    }

    private static Image Blur(Image image) => image.Gaussblur(1.5, minAmpl: 0.01, precision: Enums.Precision.Float);
}
