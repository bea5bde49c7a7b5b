namespace TextureBias.Evaluation;

/// <summary>Accuracy on the images of one class.</summary>
/// <param name="Class">The class folder name.</param>
/// <param name="Index">The model output of the class.</param>
/// <param name="Images">Images of the class evaluated.</param>
/// <param name="Top1">Fraction whose top-1 prediction is the class.</param>
/// <param name="Top5">Fraction with the class among the top 5.</param>
public sealed record ClassAccuracy(string Class, int Index, int Images, double Top1, double Top5);
