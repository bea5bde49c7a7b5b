namespace TextureBias.Imaging;

/// <summary>An image could not be decoded: the message names the file and the cause.</summary>
public sealed class ImageDecodeException : TextureBiasException
{
    /// <summary>The file (or name) of the image that failed.</summary>
    public string ImagePath { get; }

    /// <summary>The cause alone, without the file name.</summary>
    public string Reason { get; }

    /// <summary>Creates the error for <paramref name="source"/>.</summary>
    public ImageDecodeException(string source, string reason, Exception? inner = null)
        : base($"{source}: {reason}", inner)
    {
        ImagePath = source;
        Reason = reason;
    }
}
