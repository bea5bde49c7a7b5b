namespace TextureBias.Evaluation;

/// <summary>One cue-conflict trial: the image's shape and texture categories and the observer's decision ("na" or another word for none).</summary>
/// <param name="Image">The stimulus file name.</param>
/// <param name="Shape">The shape (ground-truth) category.</param>
/// <param name="Texture">The texture category.</param>
/// <param name="Decision">The response.</param>
public sealed record ShapeBiasTrial(string Image, string Shape, string Texture, string Decision);
