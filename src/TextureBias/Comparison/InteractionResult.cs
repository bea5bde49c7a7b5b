namespace TextureBias.Comparison;

/// <summary>Interactions between image parts for one model: statistics per gap bin and every pair's target-logit changes.</summary>
/// <param name="Images">Images measured.</param>
/// <param name="Skipped">Images passed over (unreadable, too small).</param>
/// <param name="Bins">One entry per gap bin, in order (bins no image could hold have no pairs).</param>
/// <param name="Pairs">Every pair's changes of the target logit, image by image (empty unless <see cref="InteractionOptions.KeepPairs"/>).</param>
public sealed record InteractionResult(int Images, int Skipped, IReadOnlyList<InteractionBin> Bins, IReadOnlyList<InteractionPairResult> Pairs);
