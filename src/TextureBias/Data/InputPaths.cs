namespace TextureBias.Data;

/// <summary>
/// Checks that a path a command reads is there and of the right kind (a folder where a folder of
/// images is needed, a file where a file is), before any work starts.
/// </summary>
public static class InputPaths
{
    /// <summary>Checks that <paramref name="path"/> is an existing folder.</summary>
    /// <param name="option">What named the path, for the message (e.g. <c>--data</c>).</param>
    /// <param name="path">The folder to be read.</param>
    /// <exception cref="TextureBiasException">One line naming <paramref name="option"/>, the path and the cause.</exception>
    public static void CheckFolder(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new TextureBiasException($"{option}: the path is empty");
        if (Directory.Exists(path)) return;
        throw new TextureBiasException(File.Exists(path) ? $"{option} {path}: a file, not a folder" : $"{option} {path}: no such folder");
    }

    /// <summary>Checks that <paramref name="path"/> is an existing file.</summary>
    /// <param name="option">What named the path, for the message (e.g. <c>--image</c>).</param>
    /// <param name="path">The file to be read.</param>
    /// <exception cref="TextureBiasException">One line naming <paramref name="option"/>, the path and the cause.</exception>
    public static void CheckFile(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new TextureBiasException($"{option}: the path is empty");
        if (File.Exists(path)) return;
        throw new TextureBiasException(Directory.Exists(path) ? $"{option} {path}: a folder, not a file" : $"{option} {path}: no such file");
    }
}
