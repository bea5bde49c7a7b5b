using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>Runs a batch function in chunks small enough for the allocator to reuse their memory.</summary>
internal static class EvalChunks
{
    /// <summary>
    /// <paramref name="f"/> over chunks of <paramref name="x"/> along the batch dimension, each
    /// with at most <see cref="ImageClassifier.ChunkBytes"/> of its largest activation
    /// (<paramref name="bytesPerImage"/> per image), concatenated. Off the CPU, <paramref name="f"/>(<paramref name="x"/>).
    /// </summary>
    public static Tensor Map(Tensor x, long bytesPerImage, Func<Tensor, Tensor> f)
    {
        long n = x.shape[0];
        long chunk = Math.Max(1, ImageClassifier.ChunkBytes / Math.Max(1, bytesPerImage));
        if (chunk >= n || x.device_type != DeviceType.CPU) return f(x); // chunks are for glibc's allocator: CPU only
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long i = 0; i < n; i += chunk)
            parts.Add(f(x.narrow(0, i, Math.Min(chunk, n - i))));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }
}
