namespace TextureBias.Models;

/// <summary>The architectures by name, as the command line and the weight files know them.</summary>
public static class Architectures
{
    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "bagnet9", "bagnet17", "bagnet33", "resnet18", "resnet50", "vgg16" };

    /// <summary>Builds the named architecture with fresh (reference-initialised) weights.</summary>
    /// <exception cref="TextureBiasException">The name is unknown.</exception>
    public static ImageClassifier Create(string name, int numClasses = 1000) => name.ToLowerInvariant() switch
    {
        "bagnet9" => BagNet.BagNet9(numClasses),
        "bagnet17" => BagNet.BagNet17(numClasses),
        "bagnet33" => BagNet.BagNet33(numClasses),
        "resnet18" => ResNet.ResNet18(numClasses),
        "resnet50" => ResNet.ResNet50(numClasses),
        "vgg16" => Vgg.Vgg16(numClasses),
        _ => throw new TextureBiasException($"unknown architecture '{name}' (known: {string.Join(", ", Names)})"),
    };
}
