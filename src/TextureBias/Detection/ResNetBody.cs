using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Detection;

/// <summary>
/// The ResNet body of torchvision's <c>resnet_fpn_backbone</c> (the IntermediateLayerGetter over a ResNet
/// built with <see cref="FrozenBatchNorm2d"/>): conv1, bn1, ReLU, max pool, layer1..layer4, no avgpool or fc;
/// state_dict keys as torchvision's ResNet. Returns the outputs of layer1..layer4 (FPN levels "0".."3").
/// </summary>
internal sealed class ResNetBody : nn.Module<Tensor, IReadOnlyList<Tensor>>
{
    private readonly Conv2d conv1;
    private readonly FrozenBatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;

    /// <summary>The backbones torchvision's resnet_fpn_backbone takes (the plain ResNets).</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "resnet18", "resnet34", "resnet50", "resnet101", "resnet152" };

    /// <summary>Blocks per stage and whether the blocks are bottlenecks, for a name of <see cref="Names"/>, else null.</summary>
    public static (int[] Blocks, bool Bottleneck)? Config(string name) => name.ToLowerInvariant() switch
    {
        "resnet18" => (new[] { 2, 2, 2, 2 }, false),
        "resnet34" => (new[] { 3, 4, 6, 3 }, false),
        "resnet50" => (new[] { 3, 4, 6, 3 }, true),
        "resnet101" => (new[] { 3, 4, 23, 3 }, true),
        "resnet152" => (new[] { 3, 8, 36, 3 }, true),
        _ => null,
    };

    /// <summary>The name of <see cref="Names"/> with these blocks per stage and block kind, else null.</summary>
    public static string? NameOf(IReadOnlyList<int> blocks, bool bottleneck) =>
        Names.FirstOrDefault(n => Config(n) is { } c && c.Bottleneck == bottleneck && c.Blocks.SequenceEqual(blocks));

    /// <summary>Channels of layer1..layer4's outputs (the FPN's in_channels_list).</summary>
    public IReadOnlyList<int> StageChannels { get; }

    /// <summary>Builds the body of <paramref name="name"/> with stem width <paramref name="width"/>, torchvision's initialisation.</summary>
    public ResNetBody(string name, int width = 64, double eps = 1e-5) : base("IntermediateLayerGetter")
    {
        var (blocks, bottleneck) = Config(name)
            ?? throw new TextureBiasException($"unknown detection backbone '{name}': use one of {string.Join(", ", Names)}");
        if (width < 1) throw new TextureBiasException($"the backbone width must be positive, not {width}");
        int expansion = bottleneck ? DetectionBottleneck.Expansion : 1;
        conv1 = Conv2d(3, width, 7, stride: 2, padding: 3, bias: false);
        bn1 = new FrozenBatchNorm2d(width, eps);
        int inplanes = width;
        Sequential MakeLayer(int planes, int count, int stride)
        {
            var seq = Sequential();
            for (int i = 0; i < count; i++)
            {
                int s = i == 0 ? stride : 1;
                bool down = i == 0 && (stride != 1 || inplanes != planes * expansion);
                seq.append(bottleneck
                    ? new DetectionBottleneck(inplanes, planes, s, down, eps)
                    : new DetectionBasicBlock(inplanes, planes, s, down, eps));
                inplanes = planes * expansion;
            }
            return seq;
        }
        layer1 = MakeLayer(width, blocks[0], 1);
        layer2 = MakeLayer(width * 2, blocks[1], 2);
        layer3 = MakeLayer(width * 4, blocks[2], 2);
        layer4 = MakeLayer(width * 8, blocks[3], 2);
        StageChannels = new[] { width * expansion, width * 2 * expansion, width * 4 * expansion, width * 8 * expansion };
        RegisterComponents();

        using var noGrad = no_grad();
        foreach (var (_, m) in named_modules())
            if (m is Conv2d c) init.kaiming_normal_(c.weight!, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
    }

    /// <summary>
    /// torchvision's trainable-layers rule (<c>_resnet_fpn_extractor</c>): the parameters of the last
    /// <paramref name="trainableLayers"/> of layer4, layer3, layer2, layer1, conv1 (and bn1 with 5) train; the others are frozen.
    /// </summary>
    public void SetTrainableLayers(int trainableLayers)
    {
        if (trainableLayers is < 0 or > 5)
            throw new TextureBiasException($"trainable backbone layers must be 0 to 5, not {trainableLayers}");
        var train = new[] { "layer4", "layer3", "layer2", "layer1", "conv1" }.Take(trainableLayers).ToList();
        if (trainableLayers == 5) train.Add("bn1");
        foreach (var (name, p) in named_parameters())
            p.requires_grad = train.Any(l => name.StartsWith(l, StringComparison.Ordinal));
    }

    public override IReadOnlyList<Tensor> forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var stem = functional.relu(bn1.forward(conv1.forward(x)));
        var c = functional.max_pool2d(stem, 3, 2, 1);
        var c2 = layer1.forward(c);
        var c3 = layer2.forward(c2);
        var c4 = layer3.forward(c3);
        var c5 = layer4.forward(c4);
        return new[] { c2.MoveToOuterDisposeScope(), c3.MoveToOuterDisposeScope(), c4.MoveToOuterDisposeScope(), c5.MoveToOuterDisposeScope() };
    }
}
