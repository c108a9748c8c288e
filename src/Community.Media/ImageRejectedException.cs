namespace Community.Media;

/// <summary>Why an upload was refused; stable names for API clients and logs.</summary>
public enum ImageRejectionReason
{
    UnsupportedFormat,
    TooLarge,
    TooManyPixels,
    Corrupt,
}

/// <summary>The upload is not an image the pipeline will process. The message is safe to show the user.</summary>
public sealed class ImageRejectedException : Exception
{
    public ImageRejectedException()
        : this(ImageRejectionReason.Corrupt, "The image could not be read.")
    {
    }

    public ImageRejectedException(string message)
        : this(ImageRejectionReason.Corrupt, message)
    {
    }

    public ImageRejectedException(string message, Exception innerException)
        : this(ImageRejectionReason.Corrupt, message, innerException)
    {
    }

    public ImageRejectedException(ImageRejectionReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public ImageRejectionReason Reason { get; }

    /// <summary>413 Content Too Large for size limits, 400 Bad Request for everything else.</summary>
    public int StatusCode => Reason is ImageRejectionReason.TooLarge or ImageRejectionReason.TooManyPixels ? 413 : 400;
}
