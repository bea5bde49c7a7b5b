using System.Reflection;

namespace TextureBias.Data;

/// <summary>
/// The 1000 ILSVRC-2012 classes in torchvision's index order (sorted WNIDs), bundled with the
/// library (Resources/imagenet-classes.txt, imagenet-wnids.txt).
/// </summary>
public static class ImageNetClasses
{
    private static readonly Lazy<string[]> LazyNames = new(() => ReadResource("imagenet-classes.txt"));
    private static readonly Lazy<string[]> LazyWnids = new(() => ReadResource("imagenet-wnids.txt"));
    private static readonly Lazy<Dictionary<string, int>> LazyWnidIndex =
        new(() => LazyWnids.Value.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i));

    /// <summary>Human-readable synonyms of each class ("tabby, tabby cat").</summary>
    public static IReadOnlyList<string> Names => LazyNames.Value;

    /// <summary>WordNet ids of each class ("n02123045").</summary>
    public static IReadOnlyList<string> Wnids => LazyWnids.Value;

    /// <summary>The index of an ImageNet WNID, or null.</summary>
    public static int? IndexOfWnid(string wnid) => LazyWnidIndex.Value.TryGetValue(wnid, out int i) ? i : null;

    /// <summary>The name of class <paramref name="index"/>, or "class N" beyond the ImageNet classes or for other class counts.</summary>
    public static string NameOf(int index, int numClasses = 1000) =>
        numClasses == 1000 && index >= 0 && index < 1000 ? Names[index] : $"class {index}";

    /// <summary>
    /// A class given as an index ("281") or, for ImageNet models, a WNID ("n02123045").
    /// </summary>
    /// <exception cref="TextureBiasException">Neither, or out of range.</exception>
    public static int Parse(string text, int numClasses = 1000)
    {
        text = text.Trim();
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
        {
            if (index < numClasses) return index;
            throw new TextureBiasException($"class {index} is out of range (the model has {numClasses} classes)");
        }
        if (numClasses == 1000)
        {
            if (IndexOfWnid(text) is { } i) return i;
        }
        throw new TextureBiasException($"'{text}' is not a class index{(numClasses == 1000 ? " or an ImageNet WNID" : "")}");
    }

    private static string[] ReadResource(string name)
    {
        var asm = Assembly.GetExecutingAssembly();
        var resource = asm.GetManifestResourceNames().Single(n => n.EndsWith(name, StringComparison.Ordinal));
        using var reader = new StreamReader(asm.GetManifestResourceStream(resource)!);
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length != 1000) throw new InvalidOperationException($"bundled {name} has {lines.Length} lines, not 1000");
        return lines;
    }
}
