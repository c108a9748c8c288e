namespace Community.Media;

/// <summary>The upload formats the pipeline accepts, recognised by their leading bytes.</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    WebP,
    Gif,
}
