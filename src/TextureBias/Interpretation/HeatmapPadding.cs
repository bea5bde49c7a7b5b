namespace TextureBias.Interpretation;

/// <summary>
/// What the patches centred near the border see beyond the image. The official utility pads the
/// normalised image with zeros (the ImageNet mean colour), so on images whose border is not
/// that colour the border band, (q-1)/2 pixels wide, shows the network's answer to the padding
/// as stripes along the edges. <see cref="Edge"/> repeats the outermost pixels instead.
/// </summary>
public enum HeatmapPadding
{
    /// <summary>Zeros in normalised space, as the reference (the default).</summary>
    Zeros,

    /// <summary>The image's own border pixels repeated outwards.</summary>
    Edge,
}
