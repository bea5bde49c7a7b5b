namespace TextureBias.Models;

/// <summary>The architectures by name, as the command line and the weight files know them.</summary>
public static class Architectures
{
    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "bagnet9", "bagnet17", "bagnet33", "resnet18", "resnet50", "vgg16", "alexnet" };

    /// <summary>The standard width (channels of the first stage) of the ResNets and BagNets.</summary>
    public const int StandardWidth = 64;

    /// <summary>
    /// Builds the named architecture with fresh (reference-initialised) weights.
    /// <paramref name="width"/> scales the ResNets' and BagNets' channels (64 is the papers'; smaller
    /// widths make small networks for small experiments); <paramref name="blocks"/> sets the
    /// number of residual blocks of each of the four stages (null: the architecture's own, e.g.
    /// 3,4,6,3 for ResNet-50 and the BagNets). VGG-16 and AlexNet have only their standard form.
    /// </summary>
    /// <exception cref="TextureBiasException">The name is unknown or the width or blocks impossible.</exception>
    public static ImageClassifier Create(string name, int numClasses = 1000, int width = StandardWidth, IReadOnlyList<int>? blocks = null)
    {
        if (blocks is not null && (blocks.Count != 4 || blocks.Any(b => b < 1)))
            throw new TextureBiasException($"blocks must be four positive numbers, one per stage, not {string.Join(",", blocks)}");
        string arch = name.ToLowerInvariant();
        if (blocks is not null && arch is "vgg16" or "alexnet") throw new TextureBiasException($"{arch} has no residual blocks to set");
        var b = blocks?.ToArray();
        if (width < 1) throw new TextureBiasException($"the width must be positive, not {width}");
        if (numClasses < 1) throw new TextureBiasException($"the number of classes must be positive, not {numClasses}");
        if (arch is "vgg16" or "alexnet" && width != StandardWidth) throw new TextureBiasException($"{arch} has only its standard width");
        return arch switch
        {
            "bagnet9" => new BagNet("bagnet9", new[] { 1, 1, 0, 0 }, numClasses, width, b),
            "bagnet17" => new BagNet("bagnet17", new[] { 1, 1, 1, 0 }, numClasses, width, b),
            "bagnet33" => new BagNet("bagnet33", new[] { 1, 1, 1, 1 }, numClasses, width, b),
            "resnet18" => b is null ? ResNet.ResNet18(numClasses, width) : new ResNet("resnet18", false, b, numClasses, width),
            "resnet50" => b is null ? ResNet.ResNet50(numClasses, width) : new ResNet("resnet50", true, b, numClasses, width),
            "vgg16" => Vgg.Vgg16(numClasses),
            "alexnet" => new AlexNet(numClasses),
            _ => throw new TextureBiasException($"unknown architecture '{name}' (known: {string.Join(", ", Names)})"),
        };
    }

    /// <summary>
    /// A lower bound on the parameters of <see cref="Create"/>'s network, computed without building
    /// it: the classifier (classes × features) plus, for the ResNets and BagNets, each residual block's
    /// widest convolution (at least planes² weights). Unknown names give 0.
    /// </summary>
    internal static double MinimumParameters(string name, int numClasses, int width, IReadOnlyList<int>? blocks)
    {
        string arch = name.ToLowerInvariant();
        if (arch is "vgg16" or "alexnet") return numClasses * 4096.0;
        int[]? standard = arch switch
        {
            "resnet18" => new[] { 2, 2, 2, 2 },
            "resnet50" or "bagnet9" or "bagnet17" or "bagnet33" => new[] { 3, 4, 6, 3 },
            _ => null,
        };
        if (standard is null) return 0;
        var b = blocks ?? standard;
        double features = width * 8.0 * (arch == "resnet18" ? 1 : 4);
        double total = numClasses * features;
        for (int stage = 0; stage < Math.Min(4, b.Count); stage++)
        {
            double planes = width * Math.Pow(2, stage);
            total += Math.Max(0, b[stage]) * planes * planes;
        }
        return total;
    }
}
