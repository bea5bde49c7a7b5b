namespace TextureBias.Models.Serialization;

/// <summary>
/// A weight file cannot be read, or does not fit the model: the one-line message names the
/// file and the cause (for a misfit: the missing, unexpected and wrongly shaped keys).
/// </summary>
public sealed class WeightFileException : TextureBiasException
{
    /// <summary>The weight file.</summary>
    public string FilePath { get; }

    /// <summary>Creates the error for <paramref name="path"/>.</summary>
    public WeightFileException(string path, string reason, Exception? inner = null) : base($"{path}: {OneLine(reason)}", inner)
    {
        FilePath = path;
    }

    /// <summary>
    /// The reason as one printable line: LibTorch's messages carry backtraces after the first line,
    /// and names from a crafted file may hold control characters or be very long.
    /// </summary>
    private static string OneLine(string reason) => TorchFile.Printable(reason.Split('\n')[0].TrimEnd('\r', ' '), 1000);
}
