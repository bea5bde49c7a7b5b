using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision 0.14's <c>models.detection._utils.Matcher</c>: assigns to every prediction (anchor or
/// proposal, a column of the M×N quality matrix, e.g. IoU of M ground-truth boxes with N predictions)
/// the ground-truth element of highest quality (the first one on ties), or <see cref="BelowLowThreshold"/>
/// when that quality is below the low threshold, or <see cref="BetweenThresholds"/> when it is in
/// [low, high). With low-quality matches allowed, every prediction that has the highest quality of some
/// ground-truth element (ties included) keeps its best match even below the thresholds.
/// </summary>
internal sealed class Matcher
{
    /// <summary>The match of a prediction whose best quality is below the low threshold (−1).</summary>
    public const long BelowLowThreshold = -1;

    /// <summary>The match of a prediction whose best quality is in [low, high) (−2).</summary>
    public const long BetweenThresholds = -2;

    /// <summary>A matcher with qualities ≥ <paramref name="highThreshold"/> as matches.</summary>
    public Matcher(double highThreshold, double lowThreshold, bool allowLowQualityMatches = false)
    {
        if (lowThreshold > highThreshold)
            throw new ArgumentException($"low_threshold should be <= high_threshold, got {lowThreshold} and {highThreshold}");
        HighThreshold = highThreshold;
        LowThreshold = lowThreshold;
        AllowLowQualityMatches = allowLowQualityMatches;
    }

    /// <summary>Qualities at least this are matches.</summary>
    public double HighThreshold { get; }

    /// <summary>Qualities below this are <see cref="BelowLowThreshold"/>.</summary>
    public double LowThreshold { get; }

    /// <summary>Whether each ground-truth element's best predictions keep their match whatever its quality.</summary>
    public bool AllowLowQualityMatches { get; }

    /// <summary>
    /// The match (int64 [N]: a ground-truth index in [0, M), −1 or −2) of each of the N predictions of
    /// <paramref name="matchQualityMatrix"/> [M, N].
    /// </summary>
    /// <exception cref="ArgumentException">The matrix is empty (no ground truth or no predictions), as torchvision.</exception>
    public Tensor Match(Tensor matchQualityMatrix)
    {
        if (matchQualityMatrix.dim() != 2)
            throw new ArgumentException($"the match quality matrix must be [M, N], got [{string.Join(", ", matchQualityMatrix.shape)}]");
        if (matchQualityMatrix.numel() == 0)
            throw new ArgumentException(matchQualityMatrix.shape[0] == 0
                ? "No ground-truth boxes available for one of the images during training"
                : "No proposal boxes available for one of the images during training");
        using var scope = torch.NewDisposeScope();
        var (matchedVals, allMatches) = matchQualityMatrix.max(0);
        Tensor below, between;
        using (var low = LowThreshold.ToScalar())
        using (var high = HighThreshold.ToScalar())
        {
            below = matchedVals.lt(low);
            between = matchedVals.ge(low).logical_and(matchedVals.lt(high));
        }
        var belowValue = torch.tensor(BelowLowThreshold, dtype: ScalarType.Int64, device: allMatches.device);
        var betweenValue = torch.tensor(BetweenThresholds, dtype: ScalarType.Int64, device: allMatches.device);
        var matches = torch.where(below, belowValue, allMatches);
        matches = torch.where(between, betweenValue, matches);
        if (AllowLowQualityMatches)
        {
            // set_low_quality_matches_: the predictions with the highest quality of some ground truth (ties included)
            var highestForEachGt = matchQualityMatrix.max(1).values;
            var isBest = matchQualityMatrix.eq(highestForEachGt.unsqueeze(1)).any(0);
            matches = torch.where(isBest, allMatches, matches);
        }
        return matches.MoveToOuterDisposeScope();
    }
}
