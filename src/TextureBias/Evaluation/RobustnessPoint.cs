namespace TextureBias.Evaluation;

/// <summary>
/// One model's accuracy under one distortion at one level. Accuracies are fractions (0–1): 16-class accuracy on a folder of
/// the 16 categories or of ImageNet classes that all belong to them (the papers' measure, comparable with the human
/// observers), top-1 and top-5 on a folder of ImageNet classes (WNIDs) or of the network's own classes.
/// </summary>
/// <param name="Model">The model's name.</param>
/// <param name="Distortion">The distortion's name.</param>
/// <param name="Condition">The level's condition string (<c>c10</c>, <c>0.35</c>, <c>inf</c>, <c>8-3-10</c>, …).</param>
/// <param name="Value">The level's number (infinity for high-pass <c>inf</c>).</param>
/// <param name="Images">Images scored.</param>
/// <param name="Skipped">Images that could not be read (or were too small) and were skipped.</param>
/// <param name="SixteenClass">16-class accuracy, when the folder's classes allow it.</param>
/// <param name="Top1">Top-1 accuracy over the model's outputs, on a folder of ImageNet (or the network's own) classes.</param>
/// <param name="Top5">Top-5 accuracy, likewise.</param>
public sealed record RobustnessPoint(string Model, string Distortion, string Condition, double Value, int Images, int Skipped,
    double? SixteenClass, double? Top1, double? Top5)
{
    /// <summary>The accuracy plotted: 16-class accuracy when measured, else top-1 (NaN without images).</summary>
    public double Accuracy => SixteenClass ?? Top1 ?? double.NaN;
}
