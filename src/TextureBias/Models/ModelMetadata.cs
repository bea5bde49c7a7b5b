using System.Globalization;
using TextureBias.Data;
using TextureBias.Imaging;

namespace TextureBias.Models;

/// <summary>
/// How a network is meant to be used, as a checkpoint written by <c>texturebias train</c> records
/// it beside pytorch/examples' keys (<c>epoch, arch, state_dict, best_acc1, optimizer</c>):
/// <c>classes</c> (the class folder names in output order), <c>image_size</c>, <c>width</c>,
/// <c>blocks</c> and <c>preprocessing</c> (<c>{resize, crop, mean, std}</c>, the evaluation
/// transform). The commands use it by default: class names in outputs and <c>--class</c>,
/// folders matched to outputs by name, and the evaluation preprocessing unless
/// <c>--resize</c>/<c>--crop</c> are given. Every part is null when the file does not record it
/// (published weights, plain state_dicts).
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>Nothing recorded.</summary>
    public static ModelMetadata None { get; } = new();

    /// <summary>The class of each output, in output order (ImageFolder's sorted class folder names), or null.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>The training crop side, or null.</summary>
    public int? ImageSize { get; init; }

    /// <summary>The evaluation transform (resize, centre crop, normalisation mean and std), or null.</summary>
    public Preprocessing? Evaluation { get; init; }

    /// <summary>Channels of the first stage of a ResNet or BagNet, or null.</summary>
    public int? Width { get; init; }

    /// <summary>Residual blocks of each of the four stages of a ResNet or BagNet, or null.</summary>
    public IReadOnlyList<int>? Blocks { get; init; }

    /// <summary>True when nothing is recorded.</summary>
    public bool IsEmpty => Classes is null && ImageSize is null && Evaluation is null && Width is null && Blocks is null;

    /// <summary>The same values (class names and blocks compared element by element).</summary>
    public bool Equals(ModelMetadata? other) =>
        other is not null && Same(Classes, other.Classes) && ImageSize == other.ImageSize && Equals(Evaluation, other.Evaluation)
        && Width == other.Width && Same(Blocks, other.Blocks);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Classes?.Count, ImageSize, Evaluation, Width, Blocks?.Count);

    private static bool Same<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    /// <summary>
    /// The evaluation transform to use: the recorded one, else <paramref name="fallback"/>; a
    /// given <paramref name="resize"/> or <paramref name="crop"/> replaces that size.
    /// </summary>
    public Preprocessing EvaluationOr(Preprocessing fallback, int? resize = null, int? crop = null)
    {
        var p = Evaluation ?? fallback;
        return p with { Resize = resize ?? p.Resize, Crop = crop ?? p.Crop };
    }

    /// <summary>
    /// The name of output <paramref name="index"/>: the recorded class name (an ImageNet WNID
    /// becomes its human-readable name), else the ImageNet name for 1000-output networks, else "class N".
    /// </summary>
    public string NameOf(int index, int numClasses)
    {
        if (Classes is not { } names) return ImageNetClasses.NameOf(index, numClasses);
        if (index < 0 || index >= names.Count) return $"class {index}";
        return ImageNetClasses.IndexOfWnid(names[index]) is { } i ? ImageNetClasses.Names[i] : names[index];
    }

    /// <summary>The WNID of output <paramref name="index"/>, when it is an ImageNet class, else null.</summary>
    public string? WnidOf(int index, int numClasses)
    {
        if (Classes is { } names)
            return index >= 0 && index < names.Count && ImageNetClasses.IndexOfWnid(names[index]) is not null ? names[index] : null;
        return numClasses == 1000 && index >= 0 && index < 1000 ? ImageNetClasses.Wnids[index] : null;
    }

    /// <summary>
    /// A class given by its recorded name ("arrow"), as an index ("3"), or, for ImageNet
    /// networks without recorded names, as a WNID ("n02123045").
    /// </summary>
    /// <exception cref="TextureBiasException">None of these, or out of range.</exception>
    public int ParseClass(string text, int numClasses)
    {
        text = text.Trim();
        if (Classes is { } names)
        {
            int exact = IndexOf(names, text, StringComparison.Ordinal);
            if (exact >= 0) return exact;
            var folded = names.Select((n, i) => (n, i)).Where(p => string.Equals(p.n, text, StringComparison.OrdinalIgnoreCase)).ToList();
            if (folded.Count == 1) return folded[0].i;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new TextureBiasException($"'{text}' is not one of the network's classes ({NameList.Shortened(names, 12)}) or a class index");
            }
        }
        return ImageNetClasses.Parse(text, numClasses);
    }

    private static int IndexOf(IReadOnlyList<string> names, string text, StringComparison comparison)
    {
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], text, comparison)) return i;
        return -1;
    }

    /// <summary>The checkpoint entries (plain values for the pickle writer), in a fixed order.</summary>
    internal IEnumerable<KeyValuePair<string, object?>> ToCheckpointEntries()
    {
        if (Classes is { } classes) yield return new("classes", classes.Cast<object?>().ToList());
        if (ImageSize is { } size) yield return new("image_size", size);
        if (Width is { } width) yield return new("width", width);
        if (Blocks is { } blocks) yield return new("blocks", blocks.Cast<object?>().ToList());
        if (Evaluation is { } p)
            yield return new("preprocessing", new Dictionary<string, object?>
            {
                ["resize"] = p.Resize, ["crop"] = p.Crop,
                ["mean"] = p.Mean.Select(v => (object?)(double)v).ToList(), ["std"] = p.Std.Select(v => (object?)(double)v).ToList(),
            });
    }

    /// <summary>
    /// Reads the entries of a checkpoint dict (unpickled: strings, longs, doubles, lists, dicts).
    /// Entries of another shape (another program's keys of the same name) are ignored.
    /// </summary>
    internal static ModelMetadata FromCheckpoint(IReadOnlyDictionary<object, object?> root)
    {
        object? Get(string key) => root.TryGetValue(key, out var v) ? v : null;
        var classes = Get("classes") is List<object?> c && c.Count > 0 && c.All(x => x is string) ? c.Cast<string>().ToList() : null;
        int? imageSize = Get("image_size") is long s && s > 0 ? Pixels(s, "image_size") : null;
        int? width = Get("width") is long w && w > 0 && w < int.MaxValue ? (int)w : null;
        var blocks = Get("blocks") is List<object?> b && b.Count == 4 && b.All(x => x is long n && n > 0 && n < 1000) ? b.Select(x => (int)(long)x!).ToList() : null;
        Preprocessing? evaluation = null;
        if (Get("preprocessing") is IReadOnlyDictionary<object, object?> p
            && p.TryGetValue("resize", out var r) && r is long resize && resize >= 0
            && p.TryGetValue("crop", out var k) && k is long crop && crop >= 0)
        {
            evaluation = new Preprocessing(Pixels(resize, "preprocessing resize"), Pixels(crop, "preprocessing crop"));
            if (Floats(p, "mean") is { } mean && Floats(p, "std") is { } std && std.All(x => x > 0))
                evaluation = evaluation with { Mean = mean, Std = std };
        }
        return new ModelMetadata { Classes = classes, ImageSize = imageSize, Width = width, Blocks = blocks, Evaluation = evaluation };
    }

    /// <summary>The largest image side a checkpoint may ask for; larger values are refused, not obeyed (they would fill the memory).</summary>
    internal const int MaxImageSide = 8192;

    private static int Pixels(long value, string what) =>
        value <= MaxImageSide ? (int)value : throw new FormatException($"its {what} is {value} pixels, more than {MaxImageSide}");

    private static float[]? Floats(IReadOnlyDictionary<object, object?> dict, string key) =>
        dict.TryGetValue(key, out var v) && v is List<object?> list && list.Count == 3 && list.All(x => x is double or long)
            ? list.Select(x => x is double d ? (float)d : (float)(long)x!).ToArray()
            : null;
}
