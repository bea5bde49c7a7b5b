namespace TextureBias.Demo;

/// <summary>Whether a demo run reproduced the papers' findings, each with its reason in words.</summary>
/// <param name="NaturalTextureBiased">Both natural-trained networks have a shape bias under <see cref="TextureBiasedBelow"/>.</param>
/// <param name="StylizedResNetShapeBiased">The stylized-trained ResNet has a shape bias over <see cref="ShapeBiasedAbove"/>.</param>
/// <param name="BagNetStrugglesOnStylized">The stylized-trained BagNet is at least <see cref="BagNetGap"/> points less accurate on stylized images than the stylized-trained ResNet.</param>
/// <param name="Statements">One sentence per finding, saying plainly what happened.</param>
public sealed record DemoFindings(bool NaturalTextureBiased, bool StylizedResNetShapeBiased, bool BagNetStrugglesOnStylized, IReadOnlyList<string> Statements)
{
    /// <summary>Shape bias below which a network counts as texture-biased.</summary>
    public const double TextureBiasedBelow = 0.4;

    /// <summary>Shape bias above which a network counts as shape-biased.</summary>
    public const double ShapeBiasedAbove = 0.6;

    /// <summary>Accuracy gap (points) by which the small-receptive-field BagNet must trail the ResNet on stylized images.</summary>
    public const double BagNetGap = 15;

    /// <summary>All three findings reproduced.</summary>
    public bool Reproduced => NaturalTextureBiased && StylizedResNetShapeBiased && BagNetStrugglesOnStylized;
}
