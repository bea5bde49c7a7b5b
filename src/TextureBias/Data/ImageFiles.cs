using TextureBias.Imaging;

namespace TextureBias.Data;

/// <summary>Finds the image files named by a list of files and folders.</summary>
public static class ImageFiles
{
    /// <summary>
    /// Each path that is a file is taken as it is; each folder is walked recursively for files
    /// with an image extension (<see cref="ImageDecoder.Extensions"/>), sorted by ordinal path,
    /// by <see cref="FolderWalker"/> (links to folders followed, each real folder once).
    /// Paths keep the order in which they were given.
    /// </summary>
    /// <exception cref="TextureBiasException">A path does not exist.</exception>
    public static List<string> Find(IEnumerable<string> paths) => FindByInput(paths).Select(f => f.File).ToList();

    /// <summary>
    /// <see cref="Find"/>, with the path each file was found by: the folder it was found under, or the file itself.
    /// </summary>
    /// <exception cref="TextureBiasException">A path does not exist.</exception>
    public static List<(string File, string Input)> FindByInput(IEnumerable<string> paths)
    {
        var result = new List<(string, string)>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) result.Add((path, path));
            else if (Directory.Exists(path))
            {
                result.AddRange(FolderWalker.Files(path, ImageDecoder.HasImageExtension).Select(f => (f, path)));
            }
            else throw new TextureBiasException($"{path}: no such file or folder");
        }
        return result;
    }
}
