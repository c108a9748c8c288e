namespace Community.Media;

/// <summary>What an upload is, read from its header without decoding the pixels.</summary>
/// <param name="Width">Width as displayed, i.e. after EXIF orientation.</param>
/// <param name="Height">Height as displayed, i.e. after EXIF orientation.</param>
public sealed record ImageInfo(ImageFormat Format, int Width, int Height);
