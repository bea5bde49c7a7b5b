namespace TextureBias.Evaluation;

/// <summary>Top-1 and top-5 accuracy over a dataset, in percent, and per class.</summary>
/// <param name="Top1">Top-1 accuracy in percent.</param>
/// <param name="Top5">Top-5 accuracy in percent.</param>
/// <param name="Images">Images evaluated.</param>
/// <param name="Skipped">Images that could not be read.</param>
/// <param name="PerClass">Accuracy of each class.</param>
public sealed record EvaluationResult(double Top1, double Top5, int Images, int Skipped, IReadOnlyList<ClassAccuracy> PerClass);
