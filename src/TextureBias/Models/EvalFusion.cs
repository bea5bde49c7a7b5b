using System.Runtime.Intrinsics;
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
    /// <summary>
    /// x with channels-last strides (NHWC in memory, the same NCHW shape and values) when it is a
    /// 4-d tensor on the CPU, else x. oneDNN's convolutions run fastest on that layout, every later
    /// operation keeps it, and <see cref="ConvBn"/> then folds each batch norm into its convolution.
    /// </summary>
    public static Tensor ChannelsLast(Tensor x) =>
        x.dim() == 4 && x.device_type == DeviceType.CPU && !IsChannelsLast(x) ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x;

    /// <summary>Whether x [N,C,H,W] is laid out channels-last (channel stride 1).</summary>
    public static bool IsChannelsLast(Tensor x) =>
        x.dim() == 4 && x.stride(1) == 1 && x.stride(3) == x.shape[1] && x.stride(2) == x.shape[1] * x.shape[3];

    /// <summary>
    /// bn(conv(x)) in eval mode, freeing conv's output at once. On a channels-last input (see
    /// <see cref="ChannelsLast"/>) as one convolution with the batch norm folded into its weight
    /// and bias (<see cref="Fold"/>; equal up to float32 rounding), the weight channels-last too;
    /// while the network is frozen (<see cref="FrozenWeights"/>), through the weight folded and
    /// packed once (<see cref="PackedWeights"/>).
    /// </summary>
    public static Tensor ConvBn(Conv2d conv, BatchNorm2d bn, Tensor x, bool relu = false)
    {
        if (IsChannelsLast(x) && x.device_type == DeviceType.CPU && x.shape[1] > 1)
        {
            if (PackedWeights.TryConvBn(conv, bn, x, relu) is { } packed) return packed;
            using var scope = NewDisposeScope();
            var (w, b) = Fold(conv, bn);
            var wl = w.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
            var z = nn.functional.conv2d(x, wl, b, conv.stride, conv.padding, conv.dilation, conv.groups);
            if (relu) z.relu_();
            return z.MoveToOuterDisposeScope();
        }
        var c = conv.forward(x);
        var y = bn.forward(c);
        c.Dispose();
        return relu ? y.relu_() : y;
    }

    /// <summary>
    /// The weight and bias of one convolution equal to bn(conv(x)) with bn in eval mode
    /// (<paramref name="weight"/> replaces conv's weight when given). Equal up to float32 rounding.
    /// </summary>
    public static (Tensor Weight, Tensor Bias) Fold(Conv2d conv, BatchNorm2d bn, Tensor? weight = null)
    {
        using var scope = NewDisposeScope();
        var scale = bn.weight!.div(bn.running_var!.Plus(bn.eps).sqrt());
        var w = (weight ?? conv.weight!).detach().mul(scale.view(-1, 1, 1, 1)).contiguous();
        var b = bn.bias!.detach().Minus(bn.running_mean!.mul(scale));
        if (conv.bias is not null) b = b.Plus(conv.bias.detach().mul(scale));
        return (w.MoveToOuterDisposeScope(), b.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The weight of one convolution equal to <paramref name="outer"/>(<paramref name="inner"/>(x)),
    /// <paramref name="inner"/> being a bias-free 1×1, stride-1, unpadded convolution (BagNet's conv1).
    /// </summary>
    public static Tensor Compose1x1(Conv2d outer, Conv2d inner)
    {
        using var scope = NewDisposeScope();
        return einsum("omkl,mi->oikl", outer.weight!.detach(), inner.weight!.detach().flatten(1)).MoveToOuterDisposeScope();
    }

    /// <summary>The shortcut of a residual block: x itself, or downsample = Sequential(conv, bn) applied to it.</summary>
    public static Tensor Shortcut(Sequential? downsample, Tensor x) =>
        downsample is null ? x : ConvBn((Conv2d)downsample.children().First(), (BatchNorm2d)downsample.children().Last(), x);

    /// <summary>A classifier head in inference: its linear layers through <see cref="OrderedLinear(Linear, Tensor)"/>, the rest as they are.</summary>
    public static Tensor OrderedSequential(TorchSharp.Modules.Sequential head, Tensor x)
    {
        foreach (var layer in head.children())
            x = layer is Linear l ? OrderedLinear(l, x) : ((nn.Module<Tensor, Tensor>)layer).forward(x);
        return x;
    }

    /// <summary>
    /// The classifier layer in eval mode: each output is its bias plus the dot product of input
    /// and weight row accumulated in input order in float32, as the reference BLAS's sgemm does
    /// for PyTorch's <c>addmm</c> (and so Debian's PyTorch). The convolutions already agree bit
    /// for bit with PyTorch; the blocked, vectorised sums of an optimised BLAS would make the
    /// logits differ in the last bits, which at logits of a few hundred exceeds 1e-4.
    /// </summary>
    public static Tensor OrderedLinear(Linear fc, Tensor x) =>
        x.dim() != 2 || fc.weight is null || x.device_type != DeviceType.CPU ? fc.forward(x) : OrderedLinear(x, fc.weight, fc.bias);

    /// <summary>x·Wᵀ + b for x [N,K], W [M,K], accumulated in input order in float32 (see above).</summary>
    public static unsafe Tensor OrderedLinear(Tensor x, Tensor weight, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        int n = (int)x.shape[0], k = (int)x.shape[1], m = (int)weight.shape[0];
        var xt = x.to(ScalarType.Float32).contiguous();
        var wt = weight.detach().to(ScalarType.Float32).contiguous();
        var b = bias is null ? new float[m] : bias.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var result = torch.empty(n, m, ScalarType.Float32, device: x.device); // x is on the CPU here: the caller checks
        // Raw pointers into the tensors' native memory (it does not move), read without copies.
        nint xp, wp, op;
        fixed (byte* p = xt.bytes) xp = (nint)p;
        fixed (byte* p = wt.bytes) wp = (nint)p;
        fixed (byte* p = result.bytes) op = (nint)p;

        // Eight outputs at a time: their weights copied into a [k,8] panel (each read once), then
        // for four rows at a time eight sums per row in one vector register each; every sum still
        // adds its products strictly in input order, each product and each addition rounded to
        // float32 on its own (a vector multiply, then a vector add: no FMA, no reassociation,
        // which .NET never introduces), so the results are those of the scalar loop bit for bit.
        const int Lanes = 8;
        int blocks = (m + Lanes - 1) / Lanes;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = m * (long)n * k > 1_000_000 ? -1 : 1 }, block =>
        {
            float* input = (float*)xp, weights = (float*)wp, output = (float*)op;
            int i0 = block * Lanes, count = Math.Min(Lanes, m - i0);
            var panel = new float[k * Lanes];
            fixed (float* w = panel)
            {
                for (int c = 0; c < count; c++)
                {
                    float* row = weights + (long)(i0 + c) * k;
                    for (int l = 0; l < k; l++) w[l * Lanes + c] = row[l];
                }
                int r = 0;
                for (; r + 4 <= n; r += 4)
                {
                    float* x0 = input + (long)r * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
                    Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                    for (int l = 0; l < k; l++)
                    {
                        var wl = Vector256.Load(w + l * Lanes);
                        s0 = Vector256.Add(s0, Vector256.Multiply(Vector256.Create(x0[l]), wl));
                        s1 = Vector256.Add(s1, Vector256.Multiply(Vector256.Create(x1[l]), wl));
                        s2 = Vector256.Add(s2, Vector256.Multiply(Vector256.Create(x2[l]), wl));
                        s3 = Vector256.Add(s3, Vector256.Multiply(Vector256.Create(x3[l]), wl));
                    }
                    StoreSums(s0, output + (long)r * m + i0, b, i0, count);
                    StoreSums(s1, output + (long)(r + 1) * m + i0, b, i0, count);
                    StoreSums(s2, output + (long)(r + 2) * m + i0, b, i0, count);
                    StoreSums(s3, output + (long)(r + 3) * m + i0, b, i0, count);
                }
                for (; r < n; r++)
                {
                    float* x0 = input + (long)r * k;
                    var s0 = Vector256<float>.Zero;
                    for (int l = 0; l < k; l++) s0 = Vector256.Add(s0, Vector256.Multiply(Vector256.Create(x0[l]), Vector256.Load(w + l * Lanes)));
                    StoreSums(s0, output + (long)r * m + i0, b, i0, count);
                }
            }
        });
        GC.KeepAlive(xt);
        GC.KeepAlive(wt);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>destination[c] = sums[c] + bias[first + c] for the block's <paramref name="count"/> outputs.</summary>
    private static unsafe void StoreSums(Vector256<float> sums, float* destination, float[] bias, int first, int count)
    {
        for (int c = 0; c < count; c++) destination[c] = sums.GetElement(c) + bias[first + c];
    }
}
