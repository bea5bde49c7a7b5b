namespace TextureBias.Observers;

/// <summary>
/// The <c>imagename</c> of our own trials. Trials are matched by model-vs-human's short id (<see cref="RawData.ShortImageName"/>),
/// so the names must keep those ids unique: each image's file name when the files' short ids are all different (ImageNet
/// names such as <c>n02085620_1234.JPEG</c> keep their id), else the path relative to the data folder with '/' and '_'
/// written as '-' (one part, so the whole name is the id).
/// </summary>
public static class TrialImageNames
{
    /// <summary>The names of images given by their paths relative to the data folder ('/'-separated), in the same order.</summary>
    public static IReadOnlyList<string> For(IReadOnlyList<string> relativePaths)
    {
        var names = relativePaths.Select(p => p[(p.LastIndexOf('/') + 1)..]).ToList();
        if (names.Select(RawData.ShortImageName).Distinct(StringComparer.Ordinal).Count() == names.Count) return names;
        var flat = relativePaths.Select(p => p.Replace('/', '-').Replace('_', '-')).ToList();
        if (flat.Distinct(StringComparer.Ordinal).Count() == flat.Count) return flat;
        // Paths differing only in '/', '_' or '-' ("a_b/c.png" and "a-b/c.png"): number them.
        return flat.Select((f, i) => $"{i + 1:D6}-{f}").ToList();
    }
}
