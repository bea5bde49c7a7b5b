namespace TextureBias.Models.Zoo;

/// <summary>How far a download is.</summary>
/// <param name="Name">The registered name.</param>
/// <param name="Url">The URL being read.</param>
/// <param name="Bytes">Bytes on disk so far (a resumed download starts above 0).</param>
/// <param name="TotalBytes">The file's size, when the server says it.</param>
/// <param name="BytesPerSecond">Average speed of this download so far.</param>
public sealed record DownloadProgress(string Name, string Url, long Bytes, long? TotalBytes, double BytesPerSecond)
{
    /// <summary>The estimated time left, when the size and a speed are known.</summary>
    public TimeSpan? Remaining => TotalBytes is { } total && BytesPerSecond > 0
        ? TimeSpan.FromSeconds(Math.Max(0, total - Bytes) / BytesPerSecond) : null;
}
