using TextureBias.Data;

namespace TextureBias.Models.Zoo;

/// <summary>How <see cref="ModelZoo"/> finds, downloads and keeps weight files.</summary>
public sealed record ZooOptions
{
    /// <summary>The environment variable that forbids downloads when set to 1, true or yes.</summary>
    public const string OfflineVariable = "TEXTUREBIAS_OFFLINE";

    /// <summary>Where downloads are kept (default <see cref="CacheFolders.Weights"/>, <c>~/.cache/texturebias/weights</c>).</summary>
    public string CacheDir { get; init; } = CacheFolders.Weights;

    /// <summary>PyTorch's hub checkpoint folder, searched before downloading (null: not searched).</summary>
    public string? TorchHubDir { get; init; } = CacheFolders.TorchHubCheckpoints;

    /// <summary>Never use the network: a file that is not cached is an error that says what is missing.</summary>
    public bool Offline { get; init; }

    /// <summary>Further attempts per URL after a network failure, with exponential backoff.</summary>
    public int Retries { get; init; } = 4;

    /// <summary>The wait before the first retry; it doubles with each further one (at most a minute).</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for a connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a connection may stay silent (no headers, no bytes) before it counts as dropped.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether to honour the HTTP(S)_PROXY environment variables.</summary>
    public bool UseProxy { get; init; } = true;

    /// <summary>Free bytes on the disk of a folder (replaceable for tests); default from the file system.</summary>
    public Func<string, long> FreeSpace { get; init; } = DefaultFreeSpace;

    /// <summary>Receives one-line notes: retries, reused files, a hub file that failed its check.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The defaults, with <see cref="Offline"/> from <c>TEXTUREBIAS_OFFLINE</c> and the folders from the environment.</summary>
    public static ZooOptions FromEnvironment() => new() { Offline = IsSet(Environment.GetEnvironmentVariable(OfflineVariable)) };

    /// <summary>Whether an environment switch is on (1, true, yes, on).</summary>
    public static bool IsSet(string? value) =>
        value is not null && value.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";

    private static long DefaultFreeSpace(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return long.MaxValue; // unknown: let the write itself find out
        }
    }
}
