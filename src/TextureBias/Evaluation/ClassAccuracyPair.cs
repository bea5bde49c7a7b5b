namespace TextureBias.Evaluation;

/// <summary>Two models' accuracy on the images of one class (fractions, 0–1; NaN when no image of the class was read).</summary>
/// <param name="Class">The class folder name.</param>
/// <param name="IndexA">The first model's output for the class.</param>
/// <param name="IndexB">The second model's output for the class.</param>
/// <param name="Images">Images of the class both models classified.</param>
/// <param name="Top1A">Fraction the first model puts the class first.</param>
/// <param name="Top5A">Fraction the first model has the class among its top 5.</param>
/// <param name="Top1B">Fraction the second model puts the class first.</param>
/// <param name="Top5B">Fraction the second model has the class among its top 5.</param>
public sealed record ClassAccuracyPair(string Class, int IndexA, int IndexB, int Images, double Top1A, double Top5A, double Top1B, double Top5B);
