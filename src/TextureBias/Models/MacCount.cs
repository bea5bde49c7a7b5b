using TorchSharp.Modules;

namespace TextureBias.Models;

/// <summary>
/// Walks a network's layers on paper: multiply–accumulates and the largest activation, following
/// the feature-map size through each convolution.
/// </summary>
internal sealed class MacCount
{
    /// <summary>Multiply–accumulates so far.</summary>
    public long Macs { get; private set; }

    /// <summary>Elements of the largest convolution output so far (per image).</summary>
    public long LargestActivation { get; private set; }

    /// <summary>Counts <paramref name="conv"/> on an h×w input; h and w become its output size.</summary>
    public void Conv(Conv2d conv, ref long h, ref long w)
    {
        var k = conv.kernel_size;
        var s = conv.stride;
        var p = conv.padding ?? new long[] { 0, 0 };
        var d = conv.dilation;
        h = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0] + 1;
        w = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1] + 1;
        Macs += conv.out_channels * (conv.in_channels / conv.groups) * k[0] * k[1] * h * w;
        LargestActivation = Math.Max(LargestActivation, conv.out_channels * h * w);
    }

    /// <summary>Records an activation of <paramref name="elements"/> per image that is not a convolution's output (a concatenation).</summary>
    public void Activation(long elements) => LargestActivation = Math.Max(LargestActivation, elements);

    /// <summary>The output size of a k×k pooling with stride s and padding p.</summary>
    public static void Pool(long k, long s, long p, ref long h, ref long w, bool ceilMode = false)
    {
        h = PoolSide(h, k, s, p, ceilMode);
        w = PoolSide(w, k, s, p, ceilMode);
    }

    /// <summary>PyTorch's pooling output size; in ceil mode a last window starting in the right padding is dropped.</summary>
    private static long PoolSide(long n, long k, long s, long p, bool ceilMode)
    {
        if (!ceilMode) return (n + 2 * p - k) / s + 1;
        long span = n + 2 * p - k;
        long o = (span >= 0 ? (span + s - 1) / s : -((-span) / s)) + 1;
        if ((o - 1) * s >= n + p) o--;
        return o;
    }

    /// <summary>Counts a linear layer.</summary>
    public void Linear(Linear fc) => Macs += fc.in_features * fc.out_features;

    /// <summary>
    /// Counts a plain network (VGG, AlexNet): the convolutions and k×k stride-s max-pools of
    /// <paramref name="features"/> on an h×w input, then the linear layers of <paramref name="classifier"/>.
    /// </summary>
    public static MacCount Plain(TorchSharp.torch.nn.Module features, TorchSharp.torch.nn.Module classifier, long poolKernel, long poolStride, int height, int width)
    {
        long h = height, w = width;
        var count = new MacCount();
        foreach (var m in features.children())
        {
            if (m is Conv2d c) count.Conv(c, ref h, ref w);
            else if (m is MaxPool2d) Pool(poolKernel, poolStride, 0, ref h, ref w);
        }
        foreach (var m in classifier.children())
            if (m is Linear l) count.Linear(l);
        return count;
    }
}
