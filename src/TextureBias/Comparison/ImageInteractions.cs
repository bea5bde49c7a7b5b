namespace TextureBias.Comparison;

/// <summary>The interaction measurements of one image for one model (what a resumable run keeps per image).</summary>
/// <param name="Image">The image file.</param>
/// <param name="Failure">Why the image was skipped (unreadable, too small), else null.</param>
/// <param name="Pairs">Each pair's target-logit changes.</param>
/// <param name="Moments">Per gap bin, the statistics' running moments (over the target logit, or all logits).</param>
public sealed record ImageInteractions(string Image, string? Failure, IReadOnlyList<InteractionPairResult> Pairs, IReadOnlyList<BinMoments> Moments);
