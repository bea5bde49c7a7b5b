using System.Globalization;
using TextureBias.Models.Serialization;

namespace TextureBias.Detection;

/// <summary>
/// The class names of a detector: those its weights file records under <see cref="Key"/> (a list of names,
/// background first, as <c>detect-train</c>'s checkpoints hold them), else COCO's for 91 classes
/// (<see cref="CocoCategories.Names"/>), VOC's for 21 (<see cref="VocDataset.ClassNames"/>), else the numbers.
/// </summary>
public static class DetectorClassNames
{
    /// <summary>The checkpoint key of the class names.</summary>
    public const string Key = "texturebias_classes";

    /// <summary>The names for a detector of <paramref name="numClasses"/> classes loaded from <paramref name="weightsPath"/>.</summary>
    public static IReadOnlyList<string> For(string? weightsPath, int numClasses)
    {
        if (weightsPath is not null && Recorded(weightsPath) is { } names && names.Count == numClasses)
            return names;
        return Default(numClasses);
    }

    /// <summary>COCO's names for 91 classes, VOC's for 21, else "0", "1", ….</summary>
    public static IReadOnlyList<string> Default(int numClasses) => numClasses switch
    {
        91 => CocoCategories.Names,
        21 => VocDataset.ClassNames,
        _ => Enumerable.Range(0, numClasses).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList(),
    };

    static List<string>? Recorded(string path)
    {
        if (!File.Exists(path) || path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            using var scope = TorchSharp.torch.NewDisposeScope(); // the tree's tensors
            return WeightFile.ReadTree(path) is IReadOnlyDictionary<object, object?> root
                && root.TryGetValue(Key, out var value) && value is List<object?> list && list.Count > 0 && list.All(x => x is string)
                ? list.Cast<string>().ToList() : null;
        }
        catch (Exception e) when (e is TextureBiasException or IOException or InvalidDataException)
        {
            return null;
        }
    }
}
