namespace TextureBias.Evaluation;

/// <summary>16-class accuracy and the confusion matrix (rows: true category, columns: decision, both in <see cref="Categories"/> order).</summary>
/// <param name="Accuracy">Fraction of images decided as their folder's category.</param>
/// <param name="Images">Images evaluated.</param>
/// <param name="Confusion">Counts [true, decided].</param>
public sealed record SixteenClassAccuracyResult(double Accuracy, int Images, int[,] Confusion)
{
    /// <summary>The categories of the rows and columns: <see cref="SixteenClassMapping.Categories"/>, or a network's own class names.</summary>
    public IReadOnlyList<string> Categories { get; init; } = SixteenClassMapping.Categories;
}
