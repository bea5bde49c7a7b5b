using TextureBias.Imaging;

namespace TextureBias.Data;

/// <summary>
/// torchvision's <c>ImageFolder</c> layout: <c>ROOT/&lt;class&gt;/**/&lt;image&gt;</c>, classes sorted
/// ordinally and numbered in that order (so WNID folders get the standard ImageNet indices).
/// Several roots with the same classes are concatenated (Stylized-ImageNet + ImageNet); a class
/// subset limits the classes.
/// </summary>
public sealed class ImageFolder
{
    private ImageFolder(IReadOnlyList<string> classes, IReadOnlyList<(string Path, int Label)> samples)
    {
        Classes = classes;
        Samples = samples;
    }

    /// <summary>Class names (folder names), in label order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Every image with its label, roots in the given order, each sorted by ordinal path.</summary>
    public IReadOnlyList<(string Path, int Label)> Samples { get; }

    /// <summary>
    /// Reads the layout of <paramref name="roots"/>. <paramref name="classSubset"/> keeps only the
    /// listed classes (numbered in sorted order among themselves).
    /// </summary>
    /// <exception cref="TextureBiasException">A root is missing, has no classes, or the roots' classes differ.</exception>
    public static ImageFolder Open(IReadOnlyList<string> roots, IReadOnlyCollection<string>? classSubset = null)
    {
        if (roots.Count == 0) throw new TextureBiasException("no image folder given");
        List<string>? classes = null;
        foreach (var root in roots)
        {
            if (!Directory.Exists(root)) throw new TextureBiasException($"{root}: no such folder");
            var found = FolderWalker.Subfolders(root);
            if (classSubset != null)
            {
                var missing = classSubset.Where(c => !found.Contains(c)).ToList();
                if (missing.Count > 0) throw new TextureBiasException($"{root}: no folder for class{(missing.Count == 1 ? "" : "es")} {string.Join(", ", missing.Take(5))}");
                found = found.Where(classSubset.Contains).ToList();
            }
            found.Sort(StringComparer.Ordinal);
            if (found.Count == 0) throw new TextureBiasException($"{root}: no class folders (ImageFolder layout: ROOT/<class>/<image>)");
            if (classes is null) classes = found;
            else if (!classes.SequenceEqual(found))
                throw new TextureBiasException($"{root}: its classes differ from those of {roots[0]} ({found.Count} vs {classes.Count} folders)");
        }
        var samples = new List<(string, int)>();
        foreach (var root in roots)
            for (int label = 0; label < classes!.Count; label++)
                foreach (var file in ImageFiles.Find(new[] { Path.Combine(root, classes[label]) }))
                    samples.Add((file, label));
        return new ImageFolder(classes!, samples);
    }

    /// <summary>Reads a class-subset file: one class folder name per line; blank lines and # comments ignored.</summary>
    public static IReadOnlyCollection<string> ReadClassSubset(string path)
    {
        if (!File.Exists(path)) throw new TextureBiasException($"{path}: no such class-subset file");
        return File.ReadAllLines(path).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToHashSet();
    }

    /// <summary>
    /// The model output index of each class: the ImageNet index when the model has 1000 outputs
    /// and every class is an ImageNet WNID (right for any subset of ImageNet's folders), else
    /// the folder's position.
    /// </summary>
    public int[] ModelIndices(int numClasses) => ModelIndices(numClasses, null);

    /// <summary>
    /// The model output index of each class when the model knows the classes by name: the outputs of the same name in
    /// <paramref name="modelClasses"/> (the names a checkpoint records), else the ImageNet indices when the model has 1000
    /// outputs and every class is an ImageNet WNID; null when neither holds (the folder's classes mean nothing to the model).
    /// </summary>
    public int[]? KnownModelIndices(int numClasses, IReadOnlyList<string>? modelClasses)
    {
        if (modelClasses is not null)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < modelClasses.Count; i++) index.TryAdd(modelClasses[i], i);
            if (Classes.All(index.ContainsKey)) return Classes.Select(c => index[c]).ToArray();
        }
        if (numClasses == 1000 && Classes.All(c => ImageNetClasses.IndexOfWnid(c) is not null))
            return Classes.Select(c => ImageNetClasses.IndexOfWnid(c)!.Value).ToArray();
        return null;
    }

    /// <summary>
    /// The model output index of each class: with <paramref name="modelClasses"/> (the names of the
    /// model's outputs, as its checkpoint records them) the output of the same name, so a folder
    /// with some of the classes, or with them in another order, is scored right; else as
    /// <see cref="ModelIndices(int)"/>.
    /// </summary>
    /// <exception cref="TextureBiasException">A class folder names no output of the model.</exception>
    public int[] ModelIndices(int numClasses, IReadOnlyList<string>? modelClasses)
    {
        if (modelClasses is not null)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < modelClasses.Count; i++) index.TryAdd(modelClasses[i], i);
            var unknown = Classes.Where(c => !index.ContainsKey(c)).ToList();
            if (unknown.Count > 0)
            {
                throw new TextureBiasException($"class folder{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Take(5))}{(unknown.Count > 5 ? ", …" : "")} " +
                    $"{(unknown.Count == 1 ? "is" : "are")} not among the network's classes ({NameList.Shortened(modelClasses, 12)})");
            }
            return Classes.Select(c => index[c]).ToArray();
        }
        if (numClasses == 1000 && Classes.All(c => ImageNetClasses.IndexOfWnid(c) is not null))
            return Classes.Select(c => ImageNetClasses.IndexOfWnid(c)!.Value).ToArray();
        if (Classes.Count > numClasses)
            throw new TextureBiasException($"the data has {Classes.Count} classes, the model only {numClasses} outputs");
        return Enumerable.Range(0, Classes.Count).ToArray();
    }
}
