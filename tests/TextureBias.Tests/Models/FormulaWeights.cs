using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>
/// The C# twin of tools/parity/formula_weights.py: deterministic weights and inputs computed
/// exactly alike in both languages, so that reference logits computed by PyTorch can be
/// committed without weight files.
/// </summary>
internal static class FormulaWeights
{
    /// <summary>Elements computed at a time: small enough for the allocator to reuse the memory (VGG's 100M-element layer).</summary>
    private const long Chunk = 1L << 20;

    /// <summary>The values of elements [start, start + n) of parameter number <paramref name="p"/>.</summary>
    private static Tensor Wave(long start, long n, int p)
    {
        // Every Scalar held until its native call has returned (see SafeScalars): these run in loops.
        using var multiplier = 2654435761L.ToScalar();
        using var offset = ((long)p * 40503 + 12345).ToScalar();
        using var modulus = (1L << 32).ToScalar();
        using var half = 2147483648.0.ToScalar();
        using var one = 1.0.ToScalar();
        var h = arange(start, start + n, ScalarType.Int64).mul_(multiplier).add_(offset).remainder_(modulus);
        return h.to(ScalarType.Float64).div_(half).sub_(one);
    }

    public static void Fill(nn.Module model)
    {
        var sd = model.state_dict();
        var keys = sd.Keys.Where(k => !k.EndsWith("num_batches_tracked")).OrderBy(k => k, StringComparer.Ordinal).ToList();
        using var noGrad = no_grad();
        for (int p = 0; p < keys.Count; p++)
        {
            var k = keys[p];
            var t = sd[k];
            using var flat = t.view(-1);
            for (long start = 0; start < t.numel(); start += Chunk)
            {
                using var scope = NewDisposeScope();
                long n = Math.Min(Chunk, t.numel() - start);
                var v = Wave(start, n, p);
                using var half = 0.5.ToScalar();
                using var one = 1.0.ToScalar();
                using var tenth = 0.1.ToScalar();
                using var fifth = 0.2.ToScalar();
                using var he = Math.Sqrt(6.0 / (t.numel() / t.shape[0])).ToScalar();
                if (k.EndsWith("running_var")) v = v.mul(half).add(one);
                else if (k.EndsWith("running_mean") || k.EndsWith("bias")) v = v.mul(tenth);
                else if (t.dim() == 1) v = v.mul(fifth).add(one);
                else v = v.mul(he);
                flat.narrow(0, start, n).copy_(v.to(ScalarType.Float32));
            }
        }
    }

    /// <summary>An AdaIN encoder and decoder with formula weights.</summary>
    public static TextureBias.Style.StyleTransfer StyleTransfer()
    {
        var encoder = new TextureBias.Style.VggEncoder();
        var decoder = new TextureBias.Style.AdaInDecoder();
        Fill(encoder);
        Fill(decoder);
        return new TextureBias.Style.StyleTransfer(encoder, decoder);
    }

    public static Tensor ImageBatch(int n, int h, int w)
    {
        using var scope = NewDisposeScope();
        using var tenth = 0.1.ToScalar();
        using var amplitude = 1.5.ToScalar();
        return arange((long)n * 3 * h * w, ScalarType.Float64).mul_(tenth).sin_().mul_(amplitude)
            .to(ScalarType.Float32).reshape(n, 3, h, w).MoveToOuterDisposeScope();
    }
}
