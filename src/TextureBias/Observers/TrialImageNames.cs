namespace TextureBias.Observers;

/// <summary>The <c>imagename</c> of our own trials (classify, robustness, consistency of live models).</summary>
public static class TrialImageNames
{
    /// <summary>
    /// The <c>imagename</c> of each image such that no two images of one condition share a model-vs-human image id
    /// (<see cref="RawData.ShortImageName"/>: the part after the last "_", or the last two parts for ImageNet names). An
    /// image keeps its file name when no other image of its condition has the same id; the others get their path relative
    /// to the folder they share, with "/" and "_" replaced by "-" (an id of one part, the whole name, so it keeps the folder
    /// names that tell them apart) and, should that still repeat an id, "-2", "-3", … before the extension.
    /// </summary>
    public static string[] For(IReadOnlyList<(string Path, string Condition)> images)
    {
        var names = new string[images.Count];
        var keys = images.Select(im => (im.Condition, Id: RawData.ShortImageName(Path.GetFileName(im.Path)))).ToList();
        var groups = Enumerable.Range(0, images.Count).GroupBy(i => keys[i]).ToList();
        var used = new HashSet<(string, string)>();
        foreach (var g in groups.Where(g => g.Count() == 1))
        {
            names[g.First()] = Path.GetFileName(images[g.First()].Path);
            used.Add(g.Key);
        }
        foreach (var g in groups.Where(g => g.Count() > 1))
        {
            var full = g.Select(i => Path.GetFullPath(images[i].Path)).ToList();
            string common = CommonFolder(full);
            foreach (var (i, path) in g.Zip(full))
            {
                string candidate = Path.GetRelativePath(common, path).Replace(Path.DirectorySeparatorChar, '-').Replace('/', '-').Replace('_', '-');
                string stem = Path.GetFileNameWithoutExtension(candidate), extension = Path.GetExtension(candidate), name = candidate;
                for (int k = 2; used.Contains((g.Key.Condition, RawData.ShortImageName(name))); k++) name = $"{stem}-{k}{extension}";
                used.Add((g.Key.Condition, RawData.ShortImageName(name)));
                names[i] = name;
            }
        }
        return names;
    }

    /// <summary>The deepest folder holding all of <paramref name="paths"/> (full paths of files).</summary>
    private static string CommonFolder(IReadOnlyList<string> paths)
    {
        var folders = paths.Select(p => Path.GetDirectoryName(p)!.Split(Path.DirectorySeparatorChar)).ToList();
        int n = folders.Min(f => f.Length), depth = 0;
        while (depth < n && folders.All(f => f[depth] == folders[0][depth])) depth++;
        string common = string.Join(Path.DirectorySeparatorChar, folders[0].Take(depth));
        return common.Length == 0 ? Path.GetPathRoot(paths[0]) ?? "/" : common;
    }
}
