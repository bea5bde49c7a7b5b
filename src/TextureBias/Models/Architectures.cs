namespace TextureBias.Models;

/// <summary>The architectures by name, as the command line and the weight files know them.</summary>
public static class Architectures
{
    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "bagnet9", "bagnet17", "bagnet33", "resnet18", "resnet50", "vgg16" };

    /// <summary>The standard width (channels of the first stage) of the ResNets and BagNets.</summary>
    public const int StandardWidth = 64;

    /// <summary>
    /// Builds the named architecture with fresh (reference-initialised) weights.
    /// <paramref name="width"/> scales the ResNets' and BagNets' channels (64 is the papers'; smaller
    /// widths make small networks for small experiments); VGG-16 has only its standard width.
    /// </summary>
    /// <exception cref="TextureBiasException">The name is unknown or the width impossible.</exception>
    public static ImageClassifier Create(string name, int numClasses = 1000, int width = StandardWidth)
    {
        if (width < 1) throw new TextureBiasException($"the width must be positive, not {width}");
        if (numClasses < 1) throw new TextureBiasException($"the number of classes must be positive, not {numClasses}");
        string arch = name.ToLowerInvariant();
        if (arch == "vgg16" && width != StandardWidth) throw new TextureBiasException("vgg16 has only its standard width (64)");
        return arch switch
        {
            "bagnet9" => BagNet.BagNet9(numClasses, width),
            "bagnet17" => BagNet.BagNet17(numClasses, width),
            "bagnet33" => BagNet.BagNet33(numClasses, width),
            "resnet18" => ResNet.ResNet18(numClasses, width),
            "resnet50" => ResNet.ResNet50(numClasses, width),
            "vgg16" => Vgg.Vgg16(numClasses),
            _ => throw new TextureBiasException($"unknown architecture '{name}' (known: {string.Join(", ", Names)})"),
        };
    }
}
