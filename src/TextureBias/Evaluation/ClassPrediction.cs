namespace TextureBias.Evaluation;

/// <summary>One of the top classes for an image.</summary>
/// <param name="Index">Class index (torchvision order for ImageNet).</param>
/// <param name="Wnid">WordNet id for ImageNet classes, else null.</param>
/// <param name="Name">Human-readable class name.</param>
/// <param name="Probability">Softmax probability over all classes.</param>
/// <param name="Logit">The raw logit.</param>
public sealed record ClassPrediction(int Index, string? Wnid, string Name, float Probability, float Logit);
