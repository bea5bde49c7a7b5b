using TorchSharp.Modules;

namespace TextureBias.Models;

/// <summary>
/// A promise that a network's weights stay as they are until this is disposed, from
/// <see cref="ImageClassifier.FreezeWeights"/>. Meanwhile its inference passes (eval mode,
/// float32 on the CPU, no gradient to the input) fold each batch norm into its convolution and
/// pack the weight into oneDNN's blocked layout once per input shape, instead of on every pass:
/// the same logits up to float32 rounding (oneDNN may block a packed weight's sums
/// differently), about a tenth less time for a ResNet-50. Changing a weight
/// while frozen is not seen: dispose first (or freeze anew after). Freezes nest and may overlap
/// on several threads; disposing waits for convolutions running on the packed weights.
/// <c>TEXTUREBIAS_NO_PREPACK=1</c> switches packing off.
/// </summary>
public sealed class FrozenWeights : IDisposable
{
    private readonly List<Conv2d> frozen;
    private bool disposed;

    internal FrozenWeights(IEnumerable<(Conv2d Conv, BatchNorm2d Norm)> pairs)
    {
        frozen = new List<Conv2d>();
        foreach (var (conv, norm) in pairs)
        {
            PackedWeights.Freeze(conv, norm);
            frozen.Add(conv);
        }
    }

    /// <summary>Freezes several networks at once (as <see cref="ImageClassifier.FreezeWeights"/> each), until disposed.</summary>
    public static FrozenWeights Of(IEnumerable<ImageClassifier> models) => new(models.SelectMany(m => m.FoldedPairs()));

    /// <summary>The convolutions frozen (those followed by a batch norm).</summary>
    public int Convolutions => frozen.Count;

    /// <summary>Frees the packed weights; later passes fold and pack on each call again.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var conv in frozen) PackedWeights.Thaw(conv);
    }
}
