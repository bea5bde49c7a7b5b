using TextureBias.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's <c>FeaturePyramidNetwork</c> (ops/feature_pyramid_network.py, without norm layers) with
/// <c>LastLevelMaxPool</c>: 1×1 lateral convolutions (<c>inner_blocks.{i}.0</c>), 3×3 output convolutions
/// (<c>layer_blocks.{i}.0</c>), top-down nearest upsampling to each lateral's size, and a "pool" level
/// (max pool, kernel 1, stride 2) on the last. Weights kaiming_uniform_(a=1), biases zero.
/// </summary>
internal sealed class FeaturePyramidNetwork : nn.Module<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>>
{
    private readonly ModuleList<Sequential> inner_blocks = new();
    private readonly ModuleList<Sequential> layer_blocks = new();

    public FeaturePyramidNetwork(IReadOnlyList<int> inChannelsList, int outChannels) : base("FeaturePyramidNetwork")
    {
        foreach (int inChannels in inChannelsList)
        {
            if (inChannels <= 0) throw new TextureBiasException($"FPN input channels must be positive, not {inChannels}");
            inner_blocks.append(Sequential(Conv2d(inChannels, outChannels, 1, padding: 0L)));
            layer_blocks.append(Sequential(Conv2d(outChannels, outChannels, 3, padding: 1L)));
        }
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var (_, m) in named_modules())
            if (m is Conv2d c)
            {
                init.kaiming_uniform_(c.weight!, a: 1);
                c.bias!.zero_();
            }
    }

    /// <summary>Features in increasing depth (layer1..layer4) → FPN levels "0".."3" and "pool".</summary>
    public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> x)
    {
        using var scope = NewDisposeScope();
        int n = x.Count;
        var lastInner = inner_blocks[n - 1].forward(x[n - 1]);
        var results = new List<Tensor> { layer_blocks[n - 1].forward(lastInner) };
        for (int idx = n - 2; idx >= 0; idx--)
        {
            var lateral = inner_blocks[idx].forward(x[idx]);
            var topDown = functional.interpolate(lastInner, size: new[] { lateral.shape[2], lateral.shape[3] }, mode: InterpolationMode.Nearest);
            lastInner = lateral.Plus(topDown);
            results.Insert(0, layer_blocks[idx].forward(lastInner));
        }
        results.Add(functional.max_pool2d(results[^1], 1, 2, 0));
        return results.Select(t => t.MoveToOuterDisposeScope()).ToList();
    }
}
