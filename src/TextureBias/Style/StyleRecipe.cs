namespace TextureBias.Style;

/// <summary>How a dataset is stylised.</summary>
public enum StyleRecipe
{
    /// <summary>
    /// Stylized-ImageNet (rgeirhos/Stylized-ImageNet): content Resize 256 + CenterCrop 224;
    /// styles cropped to their largest centred square and downsampled to 224 (Lanczos), styles
    /// under 224 pixels excluded; one style per image; PNG outputs with the content's stem,
    /// mirroring the class folders.
    /// </summary>
    Sin,

    /// <summary>
    /// bethgelab/stylize-datasets: content at its own size, styles resized to 512 (shorter side),
    /// <c>--num-styles</c> distinct styles per image, outputs named
    /// <c>&lt;stem&gt;-stylized-&lt;style stem&gt;&lt;content extension&gt;</c>.
    /// </summary>
    StylizeDatasets,
}
