namespace TextureBias.Distortions;

/// <summary>How float values in [0, 1] become 8-bit pixels when a distorted image is saved.</summary>
public enum PixelQuantisation
{
    /// <summary>
    /// The reference as published (2018, scipy's <c>toimage(image, cmin=0, cmax=1)</c>, i.e. <c>bytescale</c>):
    /// <c>uint8(clip(x·255, 0, 255) + 0.5)</c>, rounding half up. The reference's own output images match this.
    /// </summary>
    Round,

    /// <summary>The reference's 2023 refactor (<c>(image * 255.0).astype("uint8")</c>): truncation toward zero.</summary>
    Truncate,
}
