namespace TextureBias.Interpretation;

/// <summary>The most informative patches of each class over a folder.</summary>
/// <param name="FromClassImages">Per class, the best patches among images labelled with that class.</param>
/// <param name="FromAllImages">Per class, the best patches among all images.</param>
/// <param name="Images">Images searched.</param>
/// <param name="Skipped">Images that could not be read.</param>
public sealed record InformativePatchesResult(
    IReadOnlyDictionary<int, IReadOnlyList<PatchHit>> FromClassImages,
    IReadOnlyDictionary<int, IReadOnlyList<PatchHit>> FromAllImages,
    int Images, int Skipped);
