namespace TextureBias.Evaluation;

/// <summary>
/// The BagNet paper's error distribution: two models' per-class accuracy over the images of each class of an ImageFolder,
/// and the Pearson correlation across classes (the paper's figure: per-class top-5 accuracy, BagNet-33 vs VGG-16).
/// </summary>
/// <param name="Classes">Each class, in folder order.</param>
/// <param name="Top1R">Pearson r across classes (those with images) of the two models' top-1 accuracy; NaN when one model's is constant.</param>
/// <param name="Top5R">The same for top-5 accuracy.</param>
/// <param name="Images">Images with a class that both models classified.</param>
/// <param name="Top1A">The first model's top-1 accuracy over those images (fraction).</param>
/// <param name="Top5A">Its top-5 accuracy.</param>
/// <param name="Top1B">The second model's top-1 accuracy.</param>
/// <param name="Top5B">Its top-5 accuracy.</param>
public sealed record ClassAccuracyComparison(IReadOnlyList<ClassAccuracyPair> Classes, double Top1R, double Top5R, int Images,
    double Top1A, double Top5A, double Top1B, double Top5B)
{
    /// <summary>The per-class table as CSV: <c>class,index_a,index_b,images,top1_a,top5_a,top1_b,top5_b</c> (fractions, NaN for a class without images).</summary>
    public string Csv()
    {
        var text = new System.Text.StringBuilder("class,index_a,index_b,images,top1_a,top5_a,top1_b,top5_b\n");
        foreach (var c in Classes)
            text.Append(FormattableString.Invariant($"{Data.CsvText.Field(c.Class)},{c.IndexA},{c.IndexB},{c.Images},{c.Top1A:R},{c.Top5A:R},{c.Top1B:R},{c.Top5B:R}\n"));
        return text.ToString();
    }
}
