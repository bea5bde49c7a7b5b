namespace TextureBias.Models.Zoo;

/// <summary>Why a weight file could not be had.</summary>
public enum FetchFailure
{
    /// <summary>Offline mode and the file is not cached.</summary>
    Offline,

    /// <summary>The server has no such file (HTTP 404/410) at any URL.</summary>
    NotFound,

    /// <summary>The bytes (downloaded, imported or cached) do not have the registered or recorded hash.</summary>
    HashMismatch,

    /// <summary>No network, a refused or dropped connection, a timeout or a server error, after the retries.</summary>
    Network,

    /// <summary>The disk is full (the partial download is kept, to resume).</summary>
    DiskFull,

    /// <summary>Another process is downloading the same file.</summary>
    Busy,

    /// <summary>The server refused (HTTP 401/403 or another error status, or too many redirects).</summary>
    Refused,

    /// <summary>The server announced or sent more bytes than the registered size or size bound, or announced another exact size (the partial file was deleted).</summary>
    WrongSize,

    /// <summary>A URL or a redirect was not https.</summary>
    Insecure,
}

/// <summary>A weight file could not be found, downloaded or verified; the message is one line and says what to do.</summary>
public sealed class WeightFetchException : TextureBiasException
{
    /// <summary>Creates the error.</summary>
    public WeightFetchException(FetchFailure failure, string message, Exception? inner = null) : base(message, inner) => Failure = failure;

    /// <summary>The kind of failure.</summary>
    public FetchFailure Failure { get; }
}
