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

        // Rows in groups of eight, transposed once into [k,8] panels (zero rows pad the last
        // group), so one vector register holds one output's sums for eight rows; four outputs at a
        // time keep four independent sums going. Every sum still adds its products strictly in
        // input order, each product and each addition rounded to float32 on its own (a vector
        // multiply, then a vector add: no FMA, no reassociation, which .NET never introduces), so
        // the results are those of the scalar loop bit for bit. Rows go in chunks whose panels
        // stay under 32 MB.
        int groups = (n + Lanes - 1) / Lanes, outputBlocks = (m + Outputs - 1) / Outputs;
        int chunkGroups = (int)Math.Clamp((8L << 20) / ((long)k * Lanes), 1, groups);
        var panels = System.Buffers.ArrayPool<float>.Shared.Rent(chunkGroups * k * Lanes);
        // On the thread pool only when the work is large (VGG's first classifier layer): waking
        // its threads costs a ResNet-50 pass more than its 16 M multiply-adds take on one core,
        // as they spin on beside LibTorch's threads.
        var options = new ParallelOptions { MaxDegreeOfParallelism = m * (long)n * k >= 64_000_000 ? -1 : 1 };
        try
        {
            fixed (float* panelBase = panels)
            for (int firstGroup = 0; firstGroup < groups; firstGroup += chunkGroups)
            {
                nint pp = (nint)panelBase;
                int chunk = Math.Min(chunkGroups, groups - firstGroup), g0 = firstGroup;
                for (int c = 0; c < chunk; c++) TransposeGroup((float*)xp, (float*)pp + (long)c * k * Lanes, g0 + c, n, k);
                Parallel.For(0, (long)chunk * outputBlocks, options, item =>
                {
                    int c = (int)(item / outputBlocks), o0 = (int)(item % outputBlocks) * Outputs;
                    SumBlock((float*)pp + (long)c * k * Lanes, (float*)wp, (float*)op, b, g0 + c, o0, n, k, m);
                });
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(panels);
        }
        GC.KeepAlive(xt);
        GC.KeepAlive(wt);
        return result.MoveToOuterDisposeScope();
    }

    private const int Lanes = 8, Outputs = 4;

    /// <summary>Rows 8g..8g+7 of x [n,k] into a [k,8] panel (zeros past row n). Fully optimised from the first call (no tiering: it runs once per pass).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransposeGroup(float* input, float* panel, int g, int n, int k)
    {
        for (int j = 0; j < Lanes; j++)
        {
            int row = g * Lanes + j;
            float* source = input + (long)row * k;
            if (row < n) for (int l = 0; l < k; l++) panel[(long)l * Lanes + j] = source[l];
            else for (int l = 0; l < k; l++) panel[(long)l * Lanes + j] = 0;
        }
    }

    /// <summary>Outputs o0..o0+3 of the eight rows of group g, summed in input order (see <see cref="OrderedLinear(Tensor, Tensor, Tensor?)"/>).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SumBlock(float* panel, float* weights, float* output, float[] b, int g, int o0, int n, int k, int m)
    {
        int count = Math.Min(Outputs, m - o0), rows = Math.Min(Lanes, n - g * Lanes);
        float* w0 = weights + (long)o0 * k;
        float* w1 = count > 1 ? w0 + k : w0;
        float* w2 = count > 2 ? w0 + 2L * k : w0;
        float* w3 = count > 3 ? w0 + 3L * k : w0;
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        for (int l = 0; l < k; l++)
        {
            var xl = Vector256.Load(panel + (long)l * Lanes);
            s0 = Vector256.Add(s0, Vector256.Multiply(xl, Vector256.Create(w0[l])));
            s1 = Vector256.Add(s1, Vector256.Multiply(xl, Vector256.Create(w1[l])));
            s2 = Vector256.Add(s2, Vector256.Multiply(xl, Vector256.Create(w2[l])));
            s3 = Vector256.Add(s3, Vector256.Multiply(xl, Vector256.Create(w3[l])));
        }
        float* first = output + (long)g * Lanes * m + o0;
        StoreSums(s0, first, m, rows, b[o0]);
        if (count > 1) StoreSums(s1, first + 1, m, rows, b[o0 + 1]);
        if (count > 2) StoreSums(s2, first + 2, m, rows, b[o0 + 2]);
        if (count > 3) StoreSums(s3, first + 3, m, rows, b[o0 + 3]);
    }

    /// <summary>destination[j·stride] = sums[j] + bias for the group's <paramref name="rows"/> rows (one output).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreSums(Vector256<float> sums, float* destination, int stride, int rows, float bias)
    {
        for (int j = 0; j < rows; j++) destination[(long)j * stride] = sums.GetElement(j) + bias;
    }
}
