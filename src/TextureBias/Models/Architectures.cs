namespace TextureBias.Models;

/// <summary>The architectures by name, as the command line and the weight files know them.</summary>
public static class Architectures
{
    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = new[]
    {
        "bagnet9", "bagnet17", "bagnet33", "resnet18", "resnet50", "resnet101", "resnet152", "vgg16", "vgg19", "vgg16_bn", "vgg19_bn",
        "alexnet", "densenet121", "densenet161", "densenet169", "densenet201", "googlenet",
    };

    /// <summary>Whether <see cref="Create"/> takes a width and blocks per stage for the named architecture (the ResNets and BagNets).</summary>
    public static bool IsResidual(string name)
    {
        string arch = name.ToLowerInvariant();
        return arch is "bagnet9" or "bagnet17" or "bagnet33" || ResNet.StandardBlocks(arch) is not null;
    }

    /// <summary>The standard width (channels of the first stage) of the ResNets and BagNets.</summary>
    public const int StandardWidth = 64;

    /// <summary>
    /// Builds the named architecture with fresh (reference-initialised) weights.
    /// <paramref name="width"/> scales the ResNets' and BagNets' channels (64 is the papers'; smaller
    /// widths make small networks for small experiments); <paramref name="blocks"/> sets the
    /// number of residual blocks of each of the four stages (null: the architecture's own, e.g.
    /// 3,4,6,3 for ResNet-50 and the BagNets). The VGGs, AlexNet, the DenseNets and GoogLeNet have
    /// only their standard form (their constructors build other sizes).
    /// </summary>
    /// <exception cref="TextureBiasException">The name is unknown or the width or blocks impossible.</exception>
    public static ImageClassifier Create(string name, int numClasses = 1000, int width = StandardWidth, IReadOnlyList<int>? blocks = null)
    {
        if (blocks is not null && (blocks.Count != 4 || blocks.Any(b => b < 1)))
            throw new TextureBiasException($"blocks must be four positive numbers, one per stage, not {string.Join(",", blocks)}");
        string arch = name.ToLowerInvariant();
        bool known = Names.Contains(arch);
        if (known && blocks is not null && !IsResidual(arch)) throw new TextureBiasException($"{arch} has no residual blocks to set");
        var b = blocks?.ToArray();
        if (width < 1) throw new TextureBiasException($"the width must be positive, not {width}");
        if (numClasses < 1) throw new TextureBiasException($"the number of classes must be positive, not {numClasses}");
        if (known && !IsResidual(arch) && width != StandardWidth) throw new TextureBiasException($"{arch} has only its standard width");
        return arch switch
        {
            "bagnet9" => new BagNet("bagnet9", new[] { 1, 1, 0, 0 }, numClasses, width, b),
            "bagnet17" => new BagNet("bagnet17", new[] { 1, 1, 1, 0 }, numClasses, width, b),
            "bagnet33" => new BagNet("bagnet33", new[] { 1, 1, 1, 1 }, numClasses, width, b),
            "resnet18" => b is null ? ResNet.ResNet18(numClasses, width) : new ResNet("resnet18", false, b, numClasses, width),
            "resnet50" or "resnet101" or "resnet152" => new ResNet(arch, true, b ?? ResNet.StandardBlocks(arch)!, numClasses, width),
            "vgg16" => Vgg.Vgg16(numClasses),
            "vgg19" => Vgg.Vgg19(numClasses),
            "vgg16_bn" => Vgg.Vgg16BN(numClasses),
            "vgg19_bn" => Vgg.Vgg19BN(numClasses),
            "alexnet" => new AlexNet(numClasses),
            "densenet121" => DenseNet.DenseNet121(numClasses),
            "densenet161" => DenseNet.DenseNet161(numClasses),
            "densenet169" => DenseNet.DenseNet169(numClasses),
            "densenet201" => DenseNet.DenseNet201(numClasses),
            "googlenet" => new GoogLeNet(numClasses),
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
        if (!Names.Contains(arch)) return 0;
        if (arch.StartsWith("vgg", StringComparison.Ordinal) || arch == "alexnet") return numClasses * 4096.0;
        if (arch == "googlenet") return numClasses * 1024.0;
        if (DenseNet.Config(arch) is { } dense) return numClasses * (double)DenseNet.FinalFeatures(dense.Growth, dense.Blocks, dense.InitFeatures);
        var b = blocks ?? (arch.StartsWith("bagnet", StringComparison.Ordinal) ? new[] { 3, 4, 6, 3 } : ResNet.StandardBlocks(arch)!);
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
