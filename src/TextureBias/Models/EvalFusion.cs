using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// Inference helpers: in eval mode a BatchNorm after a convolution is an affine map per channel,
/// so it is folded into the convolution's weights and bias (one pass over the activations
/// instead of two, and no extra tensor). The folded weights are computed on each call from the
/// current parameters, so nothing goes stale when weights change. Results equal the unfolded
/// network up to float32 rounding.
/// </summary>
internal static class EvalFusion
{
    /// <summary>bn(conv(x)) with bn in eval mode, as one convolution.</summary>
    public static Tensor ConvBn(Conv2d conv, BatchNorm2d bn, Tensor x, Tensor? weight = null)
    {
        using var scope = NewDisposeScope();
        var scale = bn.weight!.div(bn.running_var!.add(bn.eps).sqrt());
        var w = (weight ?? conv.weight!).mul(scale.view(-1, 1, 1, 1));
        var b = bn.bias!.sub(bn.running_mean!.mul(scale));
        if (conv.bias is not null) b = b.add(conv.bias.mul(scale));
        return nn.functional.conv2d(x, w, b, conv.stride, conv.padding, conv.dilation, conv.groups).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The weight of one convolution equal to <paramref name="outer"/>(<paramref name="inner"/>(x)) when
    /// <paramref name="inner"/> is a bias-free 1×1, stride-1, unpadded convolution (BagNet's conv1).
    /// </summary>
    public static Tensor Compose1x1(Conv2d outer, Conv2d inner)
    {
        using var scope = NewDisposeScope();
        var w1 = inner.weight!.flatten(1); // [mid, in]
        return einsum("omkl,mi->oikl", outer.weight!, w1).MoveToOuterDisposeScope();
    }
}
