namespace Community.Media;

/// <summary>What an upload is for, which decides the renditions made from it.</summary>
public enum ImageKind
{
    /// <summary>Pictures in stories and posts: responsive widths, aspect kept, never upscaled.</summary>
    Story,

    /// <summary>Profile pictures: small square crops.</summary>
    Avatar,
}
