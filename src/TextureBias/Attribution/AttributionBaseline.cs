namespace TextureBias.Attribution;

/// <summary>The reference input x₀ of integrated gradients, DeepLIFT and occlusion.</summary>
public enum AttributionBaseline
{
    /// <summary>The all-zero network input (captum's default): after ImageNet normalisation, an image of the dataset's mean colour.</summary>
    Zero,

    /// <summary>A Gaussian blur of the image (Shrikumar et al.'s advice for images: keeps colours, removes shapes and edges).</summary>
    Blur,

    /// <summary>An image of the image's own mean colour (per channel).</summary>
    Mean,
}
