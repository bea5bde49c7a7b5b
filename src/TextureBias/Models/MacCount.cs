using TorchSharp.Modules;

namespace TextureBias.Models;

/// <summary>Multiply–accumulate counts of layers, following the feature-map size through them.</summary>
internal static class MacCount
{
    /// <summary>The MACs of <paramref name="conv"/> on an h×w input; h and w become its output size.</summary>
    public static long Conv(Conv2d conv, ref long h, ref long w)
    {
        var k = conv.kernel_size;
        var s = conv.stride;
        var p = conv.padding;
        var d = conv.dilation;
        h = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0] + 1;
        w = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1] + 1;
        return conv.out_channels * (conv.in_channels / conv.groups) * k[0] * k[1] * h * w;
    }

    /// <summary>The output size of a k×k pooling with stride s and padding p.</summary>
    public static void Pool(long k, long s, long p, ref long h, ref long w)
    {
        h = (h + 2 * p - k) / s + 1;
        w = (w + 2 * p - k) / s + 1;
    }

    public static long Linear(Linear fc) => fc.in_features * fc.out_features;
}
