using TextureBias.Data;

namespace TextureBias.Models.Zoo;

/// <summary>How <see cref="ModelZoo"/> finds, downloads and keeps weight files.</summary>
public sealed record ZooOptions
{
    /// <summary>The environment variable that forbids downloads when set to 1, true or yes.</summary>
    public const string OfflineVariable = "TEXTUREBIAS_OFFLINE";

    /// <summary>
    /// For tests only: the environment variable that, set to 1, lets registries and downloads use
    /// plain <c>http://</c> URLs whose host is this machine's loopback address (a test server).
    /// </summary>
    public const string InsecureLocalhostVariable = "TEXTUREBIAS_TEST_INSECURE_LOCALHOST";

    /// <summary>The most redirects one request follows.</summary>
    public const int MaxRedirects = 5;

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

    /// <summary>
    /// For tests only (default off): accept plain <c>http://</c> URLs and redirects whose host is
    /// the loopback address (127.0.0.1, ::1, localhost), for a test server. Every other URL must be
    /// <c>https://</c> whatever this says.
    /// </summary>
    public bool AllowInsecureLocalhost { get; init; }

    /// <summary>Free bytes on the disk of a folder (replaceable for tests); default from the file system.</summary>
    public Func<string, long> FreeSpace { get; init; } = DefaultFreeSpace;

    /// <summary>Receives one-line notes: retries, reused files, a hub file that failed its check.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The defaults, with <see cref="Offline"/> from <c>TEXTUREBIAS_OFFLINE</c> and the folders from the environment.</summary>
    public static ZooOptions FromEnvironment() => new()
    {
        Offline = IsSet(Environment.GetEnvironmentVariable(OfflineVariable)),
        AllowInsecureLocalhost = IsSet(Environment.GetEnvironmentVariable(InsecureLocalhostVariable)),
    };

    /// <summary>Whether <paramref name="url"/> may be downloaded from: https, or loopback http when <see cref="AllowInsecureLocalhost"/>.</summary>
    public bool Permits(Uri url) => IsPermitted(url, AllowInsecureLocalhost);

    internal static bool IsPermitted(Uri url, bool allowInsecureLocalhost) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || (allowInsecureLocalhost && url.Scheme == Uri.UriSchemeHttp && url.IsLoopback));

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
