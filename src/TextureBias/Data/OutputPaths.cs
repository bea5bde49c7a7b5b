namespace TextureBias.Data;

/// <summary>
/// Checks where a command will write before it starts its work (before a model is built or a
/// network runs), so that a wrong path costs a second, not a finished run: a folder given for a
/// file, a file given for a folder, a parent that cannot be made or a folder that cannot be
/// written. Nothing is created; a probe file is written and removed at once.
/// </summary>
public static class OutputPaths
{
    /// <summary>
    /// Checks that a file can be written at <paramref name="path"/>: it is not a folder (nor names
    /// one with a trailing slash), and its folder exists and is writable or can be made.
    /// </summary>
    /// <param name="option">What named the path, for the message (e.g. <c>--logits-out</c>).</param>
    /// <param name="path">The file to be written.</param>
    /// <exception cref="TextureBiasException">One line naming <paramref name="option"/>, the path and the cause.</exception>
    public static void CheckFile(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new TextureBiasException($"{option}: the path is empty");
        if (Directory.Exists(path)) throw new TextureBiasException($"{option} {path}: a folder, not a file (name a file in it)");
        if (Path.EndsInDirectorySeparator(path)) throw new TextureBiasException($"{option} {path}: names a folder, not a file");
        string full = Path.GetFullPath(path);
        CheckWritableFolder(option, path, Path.GetDirectoryName(full)!);
    }

    /// <summary>
    /// Checks that <paramref name="path"/> can be used as an output folder: it is not a file, and
    /// it (or, if it does not exist yet, the folder it would be made in) is writable.
    /// </summary>
    /// <param name="option">What named the path, for the message (e.g. <c>--out</c>).</param>
    /// <param name="path">The folder to be written.</param>
    /// <exception cref="TextureBiasException">One line naming <paramref name="option"/>, the path and the cause.</exception>
    public static void CheckFolder(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new TextureBiasException($"{option}: the path is empty");
        if (File.Exists(path)) throw new TextureBiasException($"{option} {path}: a file, not a folder");
        CheckWritableFolder(option, path, Path.GetFullPath(path));
    }

    /// <summary>The folder <paramref name="folder"/> is writable, or the nearest existing folder above it is.</summary>
    private static void CheckWritableFolder(string option, string path, string folder)
    {
        string existing = Path.TrimEndingDirectorySeparator(folder);
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new TextureBiasException($"{option} {path}: {existing} is a file, not a folder");
            string? parent = Path.GetDirectoryName(existing);
            if (parent is null) throw new TextureBiasException($"{option} {path}: no folder of it exists");
            existing = parent;
        }
        string probe = Path.Combine(existing, $".texturebias-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string made = existing == Path.TrimEndingDirectorySeparator(folder) ? "" : " (to make the folders below it)";
            throw new TextureBiasException($"{option} {path}: cannot write in {existing}{made}: {Cause(e)}");
        }
    }

    /// <summary>"permission denied", "read-only file system", "no space left on device", ...</summary>
    private static string Cause(Exception e)
    {
        if (e is UnauthorizedAccessException) return "permission denied";
        string message = e.Message;
        int at = message.IndexOf(" : '", StringComparison.Ordinal); // .NET appends " : 'path'" to errno texts
        if (at > 0) message = message[..at];
        return message.TrimEnd('.').ToLowerInvariant();
    }
}
