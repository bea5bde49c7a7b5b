using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision 0.14's <c>models.detection._utils.BalancedPositiveNegativeSampler</c>: per image, samples
/// at most <c>int(batchSizePerImage · positiveFraction)</c> positives (labels ≥ 1) and fills the batch
/// with negatives (labels = 0); labels &lt; 0 are ignored. The random permutations are drawn on the CPU,
/// from the generator when one is given (reproducible sampling) and from torch's global one otherwise.
/// </summary>
internal sealed class BalancedPositiveNegativeSampler
{
    /// <summary>A sampler of <paramref name="batchSizePerImage"/> elements per image, <paramref name="positiveFraction"/> of them positive at most.</summary>
    public BalancedPositiveNegativeSampler(int batchSizePerImage, double positiveFraction)
    {
        if (batchSizePerImage < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSizePerImage), $"the sampler's batch size per image must be at least 1, got {batchSizePerImage}");
        if (!(positiveFraction >= 0 && positiveFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(positiveFraction), $"the sampler's positive fraction must be in [0, 1], got {positiveFraction}");
        BatchSizePerImage = batchSizePerImage;
        PositiveFraction = positiveFraction;
    }

    /// <summary>Elements sampled per image (at most).</summary>
    public int BatchSizePerImage { get; }

    /// <summary>Largest share of positives.</summary>
    public double PositiveFraction { get; }

    /// <summary>
    /// For each image's labels ([N<sub>i</sub>]: ≥ 1 positive, 0 negative, &lt; 0 ignored; any numeric dtype),
    /// the masks (bool [N<sub>i</sub>], on the labels' device) of the sampled positives and negatives.
    /// </summary>
    public (IReadOnlyList<Tensor> Positive, IReadOnlyList<Tensor> Negative) Sample(IReadOnlyList<Tensor> labels, Generator? generator = null)
    {
        var positives = new List<Tensor>(labels.Count);
        var negatives = new List<Tensor>(labels.Count);
        foreach (var labelsPerImage in labels)
        {
            using var scope = torch.NewDisposeScope();
            if (labelsPerImage.dim() != 1)
                throw new ArgumentException($"the sampler needs one label per element, got [{string.Join(", ", labelsPerImage.shape)}]");
            var positive = labelsPerImage.ge(SafeScalars.One).nonzero().view(-1);
            var negative = labelsPerImage.eq(SafeScalars.Zero).nonzero().view(-1);

            int numPos = (int)(BatchSizePerImage * PositiveFraction);
            numPos = (int)Math.Min(positive.shape[0], numPos);
            int numNeg = BatchSizePerImage - numPos;
            numNeg = (int)Math.Min(negative.shape[0], numNeg);

            var perm1 = RandomPermutation(positive.shape[0], generator).narrow(0, 0, numPos).to(positive.device);
            var perm2 = RandomPermutation(negative.shape[0], generator).narrow(0, 0, numNeg).to(negative.device);
            var posIdx = positive.index_select(0, perm1);
            var negIdx = negative.index_select(0, perm2);

            var posMask = torch.zeros(labelsPerImage.shape, dtype: ScalarType.Bool, device: labelsPerImage.device);
            var negMask = torch.zeros(labelsPerImage.shape, dtype: ScalarType.Bool, device: labelsPerImage.device);
            var yes = torch.ones(1, dtype: ScalarType.Bool, device: labelsPerImage.device);
            posMask.index_put_(yes, posIdx);
            negMask.index_put_(yes, negIdx);
            positives.Add(posMask.MoveToOuterDisposeScope());
            negatives.Add(negMask.MoveToOuterDisposeScope());
        }
        return (positives, negatives);
    }

    private static Tensor RandomPermutation(long n, Generator? generator) =>
        torch.randperm(n, generator: generator, dtype: ScalarType.Int64, device: torch.CPU);
}
