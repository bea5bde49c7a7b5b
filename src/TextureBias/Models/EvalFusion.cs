using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// Inference helpers that keep PyTorch's exact sequence of operations (so logits match the
/// reference to float32 rounding) while freeing each large activation as soon as the next one
/// exists, as Python's reference counting does; dispose scopes alone would keep every
/// intermediate of a block alive until the block returns.
/// </summary>
internal static class EvalFusion
{
    /// <summary>bn(conv(x)), freeing conv's output at once.</summary>
    public static Tensor ConvBn(Conv2d conv, BatchNorm2d bn, Tensor x)
    {
        var c = conv.forward(x);
        var y = bn.forward(c);
        c.Dispose();
        return y;
    }

    /// <summary>The shortcut of a residual block: x itself, or downsample = Sequential(conv, bn) applied to it.</summary>
    public static Tensor Shortcut(Sequential? downsample, Tensor x) =>
        downsample is null ? x : ConvBn((Conv2d)downsample.children().First(), (BatchNorm2d)downsample.children().Last(), x);
}
