namespace TextureBias.Interpretation;

/// <summary>One q×q patch of an image and its logit for a class.</summary>
/// <param name="Class">The class.</param>
/// <param name="Image">The image file.</param>
/// <param name="X">Left edge of the patch in the preprocessed image.</param>
/// <param name="Y">Top edge of the patch in the preprocessed image.</param>
/// <param name="Size">The patch side q.</param>
/// <param name="Logit">The patch's logit for <paramref name="Class"/>.</param>
public sealed record PatchHit(int Class, string Image, int X, int Y, int Size, float Logit);
