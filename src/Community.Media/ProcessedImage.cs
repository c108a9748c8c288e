namespace Community.Media;

/// <summary>The outcome of <see cref="ImagePipeline.Process"/>.</summary>
/// <param name="SourceFormat">The upload's format, from its bytes.</param>
/// <param name="Width">Width of the original as displayed, i.e. after EXIF orientation.</param>
/// <param name="Height">Height of the original as displayed, i.e. after EXIF orientation.</param>
/// <param name="Renditions">WebP and JPEG at each size, smallest first, metadata stripped.</param>
/// <param name="PlaceholderDataUri">A tiny blurred preview as a <c>data:image/webp;base64,</c> URI.</param>
public sealed record ProcessedImage(
    ImageFormat SourceFormat,
    int Width,
    int Height,
    IReadOnlyList<Rendition> Renditions,
    string PlaceholderDataUri);

/// <summary>One encoded output image.</summary>
/// <param name="Sha256">Lowercase hex SHA-256 of <paramref name="Bytes"/>, the name it is stored under.</param>
public sealed record Rendition(int Width, int Height, string ContentType, byte[] Bytes, string Sha256)
{
    /// <summary>File extension including the dot: ".webp" or ".jpg".</summary>
    public string Extension => ContentType == ImagePipeline.WebPContentType ? ".webp" : ".jpg";
}
