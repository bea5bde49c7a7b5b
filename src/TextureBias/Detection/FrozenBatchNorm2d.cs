using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's <c>FrozenBatchNorm2d</c> (ops/misc.py): a batch norm whose statistics and affine
/// parameters are fixed buffers (weight, bias, running_mean, running_var; no num_batches_tracked,
/// no parameters), computed as torchvision does: scale = weight·rsqrt(running_var + eps),
/// x·scale + (bias − running_mean·scale).
/// </summary>
internal sealed class FrozenBatchNorm2d : nn.Module<Tensor, Tensor>
{
    /// <summary>The epsilon (torchvision's default 1e-5; its COCO_V1 Faster R-CNN weights use 0).</summary>
    public double Eps { get; }

    public FrozenBatchNorm2d(long numFeatures, double eps = 1e-5) : base("FrozenBatchNorm2d")
    {
        Eps = eps;
        register_buffer("weight", ones(numFeatures));
        register_buffer("bias", zeros(numFeatures));
        register_buffer("running_mean", zeros(numFeatures));
        register_buffer("running_var", ones(numFeatures));
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // Looked up by name each time: moving the module to a device replaces the buffers.
        var w = get_buffer("weight")!.reshape(1, -1, 1, 1);
        var b = get_buffer("bias")!.reshape(1, -1, 1, 1);
        var rv = get_buffer("running_var")!.reshape(1, -1, 1, 1);
        var rm = get_buffer("running_mean")!.reshape(1, -1, 1, 1);
        using var eps = Eps.ToScalar();
        var scale = w * rv.add(eps, SafeScalars.One).rsqrt(); // not rv + eps: its implicit alpha 1 is a collectable Scalar
        var bias = b - rm * scale;
        return (x * scale).Plus(bias).MoveToOuterDisposeScope();
    }
}
