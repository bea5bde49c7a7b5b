namespace TextureBias.Evaluation;

/// <summary>Per-image Pearson correlation of two models' logits.</summary>
/// <param name="Images">Images compared.</param>
/// <param name="Mean">Mean correlation.</param>
/// <param name="Median">Median correlation.</param>
/// <param name="Histogram">Counts in 20 bins of width 0.1 from −1 to 1.</param>
/// <param name="Top1Agreement">Fraction of images with the same top-1 class.</param>
/// <param name="PerImage">Each image's correlation, in input order.</param>
public sealed record LogitCorrelationResult(int Images, double Mean, double Median, IReadOnlyList<int> Histogram, double Top1Agreement, IReadOnlyList<(string Path, double R)> PerImage)
{
    /// <summary>Per-class accuracy of both models, from the same logits, when the images form an ImageFolder whose classes both models know; else null.</summary>
    public ClassAccuracyComparison? PerClass { get; init; }
}
