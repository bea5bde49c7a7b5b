namespace TextureBias.Data;

/// <summary>
/// Writes files so that readers see the old file or the whole new one, never a part: the
/// content goes to a temporary file beside the target, is flushed, then renamed over it.
/// The temporary file is named <c>.NAME.PID.RANDOM.tmp</c>, or <c>.PID.RANDOM.tmp</c> when
/// NAME is so long that the longer name would not fit the file system's limit.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string name = Path.GetFileName(full);
        string unique = $"{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var tmp = Path.Combine(dir, System.Text.Encoding.UTF8.GetByteCount(name) + unique.Length + 2 <= OutputNames.MaxNameBytes ? $".{name}.{unique}" : $".{unique}");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>Writes all of <paramref name="text"/> to <paramref name="path"/>, atomically.</summary>
    public static void WriteText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });
}
