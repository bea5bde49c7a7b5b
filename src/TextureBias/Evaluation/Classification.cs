namespace TextureBias.Evaluation;

/// <summary>The result for one image: its top classes and all its logits.</summary>
/// <param name="Path">The image file.</param>
/// <param name="Top">The top-k classes, most probable first.</param>
/// <param name="Logits">All logits of the image.</param>
public sealed record Classification(string Path, IReadOnlyList<ClassPrediction> Top, float[] Logits);
