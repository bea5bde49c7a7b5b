namespace TextureBias.Models.Zoo;

/// <summary>A file's full path, size and modification time at one moment.</summary>
internal sealed record FileSnapshot(string FullPath, long Bytes, long ModifiedTicks)
{
    public static FileSnapshot Of(string path)
    {
        var info = new FileInfo(path);
        return new FileSnapshot(info.FullName, info.Length, info.LastWriteTimeUtc.Ticks);
    }
}
