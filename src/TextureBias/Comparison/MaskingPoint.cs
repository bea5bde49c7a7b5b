namespace TextureBias.Comparison;

/// <summary>One model's mean response with the <see cref="Masked"/> top-ranked patches masked.</summary>
/// <param name="Model">The model.</param>
/// <param name="Ranking">The ranking's name.</param>
/// <param name="Masked">How many patches were masked.</param>
/// <param name="Images">Images measured.</param>
/// <param name="TrueClassLogit">The mean logit of the true class.</param>
/// <param name="Top1">Top-1 accuracy (fraction).</param>
/// <param name="Top5">Top-5 accuracy (fraction).</param>
public sealed record MaskingPoint(string Model, string Ranking, int Masked, int Images, double TrueClassLogit, double Top1, double Top5);
