using System.Text.Json;
using TextureBias.Data;

namespace TextureBias.Models.Zoo;

/// <summary>
/// The cache's record of checked weight files, one small JSON file per registered file name in
/// <c>CACHE/.verified/</c>, written atomically: the whole SHA-256 of the file and the path, size
/// and modification time of the file last seen to have it. A file whose size and time still match
/// its stamp is not hashed again; any other is. The recorded hash is also what later files of an
/// entry registered with only a hash prefix must have (trust on first use).
/// </summary>
internal sealed class VerifiedStamps
{
    /// <summary>The stamps' folder inside the cache.</summary>
    public const string FolderName = ".verified";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };
    private readonly string folder;

    public VerifiedStamps(string cacheDir) => folder = Path.Combine(cacheDir, FolderName);

    /// <summary>Where the stamp of <paramref name="fileName"/> is kept.</summary>
    public string PathOf(string fileName) => Path.Combine(folder, fileName);

    /// <summary>The stamp of the registered file name <paramref name="fileName"/>; null when there is none or it cannot be read.</summary>
    public VerifiedStamp? Read(string fileName)
    {
        string path = PathOf(fileName);
        try
        {
            if (!File.Exists(path)) return null;
            var stamp = JsonSerializer.Deserialize<VerifiedStamp>(File.ReadAllText(path), Json);
            return stamp is { Sha256.Length: 64 } && stamp.File == fileName ? stamp : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null; // unreadable: the file is hashed again
        }
    }

    /// <summary>Records that <paramref name="file"/> has the SHA-256 <paramref name="sha256"/>; false if the stamp could not be written (the file is then hashed again next time).</summary>
    public bool Write(string fileName, FileSnapshot file, string sha256) =>
        Save(new VerifiedStamp(fileName, sha256.ToLowerInvariant(), file.FullPath, file.Bytes, file.ModifiedTicks, DateTime.UtcNow));

    /// <summary>Keeps the recorded hash of <paramref name="fileName"/> but no longer vouches for any file (one failed its check).</summary>
    public void Forget(string fileName)
    {
        if (Read(fileName) is { Path: not null } stamp) Save(stamp with { Path = null, Bytes = 0, ModifiedTicks = 0 });
    }

    private bool Save(VerifiedStamp stamp)
    {
        try
        {
            AtomicFile.WriteText(PathOf(stamp.File), JsonSerializer.Serialize(stamp, Json) + "\n");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
