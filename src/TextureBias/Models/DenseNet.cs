using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Models;

/// <summary>
/// torchvision's DenseNet-BC (Huang et al. 2017): <c>features</c> = conv0 (7×7/2), norm0, relu0,
/// pool0 (3×3/2 max), four dense blocks (<c>denseblockN.denselayerM</c>: norm1, relu, 1×1 conv1 to
/// 4·k channels, norm2, relu, 3×3 conv2 to k channels, each layer seeing the concatenation of all
/// earlier outputs) with a transition (norm, relu, 1×1 conv halving the channels, 2×2 average pool)
/// between them, norm5; then ReLU, global average pool and the linear <c>classifier</c>. Keys and
/// initialisation are torchvision's. The published files use older key names inside the dense
/// layers (<c>norm.1</c>, <c>conv.1</c>, …); <see cref="RemapLegacyKeys"/> renames them as
/// torchvision does when loading.
/// </summary>
public sealed partial class DenseNet : ImageClassifier
{
    private readonly Sequential features;
    private readonly Linear classifier;
    private readonly List<(DenseBlock Block, DenseTransition? Transition)> stages = new();

    /// <summary>DenseNet-121: growth 32, blocks (6,12,24,16), 64 initial features.</summary>
    public static DenseNet DenseNet121(int numClasses = 1000) => new("densenet121", 32, new[] { 6, 12, 24, 16 }, 64, numClasses);

    /// <summary>DenseNet-161: growth 48, blocks (6,12,36,24), 96 initial features.</summary>
    public static DenseNet DenseNet161(int numClasses = 1000) => new("densenet161", 48, new[] { 6, 12, 36, 24 }, 96, numClasses);

    /// <summary>DenseNet-169: growth 32, blocks (6,12,32,32), 64 initial features.</summary>
    public static DenseNet DenseNet169(int numClasses = 1000) => new("densenet169", 32, new[] { 6, 12, 32, 32 }, 64, numClasses);

    /// <summary>DenseNet-201: growth 32, blocks (6,12,48,32), 64 initial features.</summary>
    public static DenseNet DenseNet201(int numClasses = 1000) => new("densenet201", 32, new[] { 6, 12, 48, 32 }, 64, numClasses);

    /// <summary>The (growth rate, layers per block, initial features) of the named DenseNet, or null for another name.</summary>
    internal static (int Growth, int[] Blocks, int InitFeatures)? Config(string name) => name switch
    {
        "densenet121" => (32, new[] { 6, 12, 24, 16 }, 64),
        "densenet161" => (48, new[] { 6, 12, 36, 24 }, 96),
        "densenet169" => (32, new[] { 6, 12, 32, 32 }, 64),
        "densenet201" => (32, new[] { 6, 12, 48, 32 }, 64),
        _ => null,
    };

    /// <summary>The channels the classifier sees: the initial features plus k per layer, halved by each transition.</summary>
    internal static int FinalFeatures(int growthRate, IReadOnlyList<int> blockConfig, int initFeatures)
    {
        int channels = initFeatures;
        for (int i = 0; i < blockConfig.Count; i++)
        {
            channels += blockConfig[i] * growthRate;
            if (i != blockConfig.Count - 1) channels /= 2;
        }
        return channels;
    }

    /// <summary>
    /// Builds a DenseNet-BC (torchvision's <c>DenseNet</c> with bn_size 4 and no dropout):
    /// <paramref name="growthRate"/> channels per layer, <paramref name="blockConfig"/> layers per
    /// dense block (any number of blocks), <paramref name="initFeatures"/> channels from conv0.
    /// </summary>
    public DenseNet(string name, int growthRate, IReadOnlyList<int> blockConfig, int initFeatures, int numClasses = 1000, int bnSize = 4) : base(name, numClasses)
    {
        if (growthRate < 1 || initFeatures < 1 || bnSize < 1 || blockConfig.Count == 0 || blockConfig.Any(b => b < 1))
            throw new TextureBiasException($"a DenseNet needs positive growth, initial features and layers per block, not {growthRate}, {initFeatures}, {string.Join(",", blockConfig)}");
        // conv0, norm0 and norm5 live only in features: a field would register them a second time.
        var conv0 = Conv2d(3, initFeatures, 7, stride: 2, padding: 3, bias: false);
        var named = new List<(string, Module<Tensor, Tensor>)>
        {
            ("conv0", conv0), ("norm0", BatchNorm2d(initFeatures)), ("relu0", ReLU(inplace: true)), ("pool0", MaxPool2d(3, stride: 2, padding: 1)),
        };
        int channels = initFeatures;
        for (int i = 0; i < blockConfig.Count; i++)
        {
            var block = new DenseBlock(blockConfig[i], channels, bnSize, growthRate);
            named.Add(($"denseblock{i + 1}", block));
            channels += blockConfig[i] * growthRate;
            DenseTransition? transition = null;
            if (i != blockConfig.Count - 1)
            {
                transition = new DenseTransition(channels, channels / 2);
                named.Add(($"transition{i + 1}", transition));
                channels /= 2;
            }
            stages.Add((block, transition));
        }
        named.Add(("norm5", BatchNorm2d(channels)));
        features = Sequential(named.ToArray());
        classifier = Linear(channels, numClasses);
        RegisterComponents();

        using var noGrad = no_grad();
        foreach (var (_, m) in named_modules())
        {
            if (m is Conv2d c) init.kaiming_normal_(c.weight!);
            else if (m is BatchNorm2d bn) { bn.weight!.fill_(SafeScalars.One); bn.bias!.zero_(); }
            else if (m is Linear l) l.bias!.zero_();
        }
    }

    /// <summary>
    /// Three 2×2 average pools after the 7×7/2 convolution and the 3×3/2 max-pool: 29 pixels leave
    /// one pixel in the last block.
    /// </summary>
    public override int MinimumInputSize => 29;

    /// <inheritdoc />
    internal override MacCount Profile(int height, int width)
    {
        long h = height, w = width;
        var count = new MacCount();
        count.Conv((Conv2d)features.named_children().First(c => c.name == "conv0").module, ref h, ref w);
        MacCount.Pool(3, 2, 1, ref h, ref w);
        foreach (var (block, transition) in stages)
        {
            block.Profile(count, h, w);
            if (transition is null) continue;
            transition.Profile(count, ref h, ref w);
        }
        count.Linear(classifier);
        return count;
    }

    /// <inheritdoc />
    protected override Tensor ForwardBatch(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = features.forward(x);
        x = functional.relu(x, inplace: true);
        x = functional.adaptive_avg_pool2d(x, new long[] { 1, 1 }).flatten(1);
        return (training ? classifier.forward(x) : EvalFusion.OrderedLinear(classifier, x)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// torchvision's rename of the published files' keys inside dense layers:
    /// <c>…denselayerM.norm.1.weight</c> → <c>…denselayerM.norm1.weight</c> (likewise relu, conv,
    /// 1 and 2; weight, bias, running_mean, running_var). Other keys are kept. A new dictionary
    /// holding the same tensors; the input is returned when nothing matches.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> RemapLegacyKeys(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        if (!stateDict.Keys.Any(k => LegacyKey().IsMatch(k))) return stateDict;
        var result = new Dictionary<string, Tensor>(stateDict.Count);
        foreach (var (key, value) in stateDict)
        {
            var m = LegacyKey().Match(key);
            result[m.Success ? m.Groups[1].Value + m.Groups[2].Value : key] = value;
        }
        return result;
    }

    [GeneratedRegex(@"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")]
    private static partial Regex LegacyKey();
}

/// <summary>torchvision's <c>_DenseLayer</c>: norm1, relu, 1×1 conv1, norm2, relu, 3×3 conv2 on the concatenated inputs.</summary>
internal sealed class DenseLayer : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm2d norm1;
    private readonly Conv2d conv1;
    private readonly BatchNorm2d norm2;
    private readonly Conv2d conv2;

    public DenseLayer(int inputFeatures, int growthRate, int bnSize) : base("DenseLayer")
    {
        norm1 = BatchNorm2d(inputFeatures);
        conv1 = Conv2d(inputFeatures, bnSize * growthRate, 1, bias: false);
        norm2 = BatchNorm2d(bnSize * growthRate);
        conv2 = Conv2d(bnSize * growthRate, growthRate, 3, padding: 1, bias: false);
        RegisterComponents();
    }

    public void Profile(MacCount count, long h, long w)
    {
        count.Conv(conv1, ref h, ref w);
        count.Conv(conv2, ref h, ref w);
    }

    /// <summary>The new features of this layer, from the concatenation of <paramref name="inputs"/>.</summary>
    public Tensor Forward(IList<Tensor> inputs)
    {
        using var scope = NewDisposeScope();
        var x = inputs.Count == 1 ? inputs[0] : cat(inputs.ToArray(), 1);
        var a = functional.relu(norm1.forward(x), inplace: true);
        var b = functional.relu(norm2.forward(conv1.forward(a)), inplace: true);
        return conv2.forward(b).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor x) => Forward(new[] { x });
}

/// <summary>torchvision's <c>_DenseBlock</c>: layers <c>denselayer1</c>…, each adding k channels to the concatenation.</summary>
internal sealed class DenseBlock : nn.Module<Tensor, Tensor>
{
    private readonly List<DenseLayer> layers = new();

    public DenseBlock(int numLayers, int inputFeatures, int bnSize, int growthRate) : base("DenseBlock")
    {
        for (int i = 0; i < numLayers; i++)
        {
            var layer = new DenseLayer(inputFeatures + i * growthRate, growthRate, bnSize);
            layers.Add(layer);
            register_module($"denselayer{i + 1}", layer);
        }
        OutputChannels = inputFeatures + numLayers * growthRate;
    }

    /// <summary>Channels of the block's output: the input plus every layer's growth.</summary>
    public long OutputChannels { get; }

    public void Profile(MacCount count, long h, long w)
    {
        foreach (var layer in layers) layer.Profile(count, h, w);
        // The concatenations the layers read, and the block's output, are its largest tensors.
        count.Activation(OutputChannels * h * w);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var all = new List<Tensor> { x };
        foreach (var layer in layers) all.Add(layer.Forward(all));
        return cat(all.ToArray(), 1).MoveToOuterDisposeScope();
    }
}

/// <summary>torchvision's <c>_Transition</c>: norm, relu, 1×1 conv, 2×2 average pool.</summary>
internal sealed class DenseTransition : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm2d norm;
    private readonly Conv2d conv;

    public DenseTransition(int inputFeatures, int outputFeatures) : base("Transition")
    {
        norm = BatchNorm2d(inputFeatures);
        conv = Conv2d(inputFeatures, outputFeatures, 1, bias: false);
        RegisterComponents();
    }

    public void Profile(MacCount count, ref long h, ref long w)
    {
        count.Conv(conv, ref h, ref w);
        MacCount.Pool(2, 2, 0, ref h, ref w);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var a = functional.relu(norm.forward(x), inplace: true);
        return functional.avg_pool2d(conv.forward(a), 2, 2).MoveToOuterDisposeScope();
    }
}
