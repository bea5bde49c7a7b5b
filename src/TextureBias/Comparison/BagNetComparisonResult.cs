using TextureBias.Evaluation;

namespace TextureBias.Comparison;

/// <summary>The three comparisons of the BagNet paper between a BagNet and deep networks (<see cref="BagNetComparison"/>).</summary>
/// <param name="BagNet">The BagNet's name.</param>
/// <param name="Errors">Per network: the error distribution against the BagNet (per-image logit correlation, per-class accuracy).</param>
/// <param name="Masking">Feature sensitivity: every network (the BagNet too) with the BagNet's ranking and a random one.</param>
/// <param name="Interactions">Interactions between image parts, the BagNet first.</param>
public sealed record BagNetComparisonResult(string BagNet, IReadOnlyList<(string Model, LogitCorrelationResult Result)> Errors,
    IReadOnlyList<MaskingPoint> Masking, IReadOnlyList<(string Model, InteractionResult Result)> Interactions);
