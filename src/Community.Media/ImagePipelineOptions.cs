namespace Community.Media;

/// <summary>Limits and output settings for <see cref="ImagePipeline"/>.</summary>
public sealed class ImagePipelineOptions
{
    /// <summary>Largest upload accepted, in bytes (10 MiB).</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest image accepted, in pixels (width x height), checked from the header before decoding.</summary>
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Widths made for stories; those wider than the original are replaced by the original width.</summary>
    public IReadOnlyList<int> Widths { get; set; } = [320, 640, 1024, 1600];

    /// <summary>Square sizes made for avatars.</summary>
    public IReadOnlyList<int> AvatarSizes { get; set; } = [64, 128, 256];

    /// <summary>How avatars choose their square: the centre, or the most interesting region.</summary>
    public AvatarCrop AvatarCrop { get; set; } = AvatarCrop.Attention;

    public int WebPQuality { get; set; } = 80;

    public int JpegQuality { get; set; } = 82;

    /// <summary>Width of the blurred placeholder inlined as a data URI.</summary>
    public int PlaceholderWidth { get; set; } = 20;

    /// <summary>A copy the pipeline keeps, so later edits to the caller's instance cannot bypass validation.</summary>
    internal ImagePipelineOptions Snapshot() => new()
    {
        MaxBytes = MaxBytes,
        MaxPixels = MaxPixels,
        Widths = [.. Widths],
        AvatarSizes = [.. AvatarSizes],
        AvatarCrop = AvatarCrop,
        WebPQuality = WebPQuality,
        JpegQuality = JpegQuality,
        PlaceholderWidth = PlaceholderWidth,
    };

    internal void Validate()
    {
        if (MaxBytes <= 0 || MaxPixels <= 0)
        {
            throw new ArgumentException("MaxBytes and MaxPixels must be positive.");
        }

        if (Widths.Count == 0 || Widths.Any(w => w is <= 0 or > Vips.MaxWebPSide))
        {
            throw new ArgumentException($"Widths must be between 1 and {Vips.MaxWebPSide}.");
        }

        if (AvatarSizes.Count == 0 || AvatarSizes.Any(s => s is <= 0 or > 2048))
        {
            throw new ArgumentException("AvatarSizes must be between 1 and 2048.");
        }

        if (WebPQuality is < 1 or > 100 || JpegQuality is < 1 or > 100)
        {
            throw new ArgumentException("Qualities must be between 1 and 100.");
        }

        if (PlaceholderWidth is < 4 or > 64)
        {
            throw new ArgumentException("PlaceholderWidth must be between 4 and 64.");
        }
    }
}

/// <summary>How an avatar's square is chosen from a non-square picture.</summary>
public enum AvatarCrop
{
    Centre,
    Attention,
}
