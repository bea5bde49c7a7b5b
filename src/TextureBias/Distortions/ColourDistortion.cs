namespace TextureBias.Distortions;

/// <summary>Colour vs greyscale: <c>cr</c> leaves the image as is, <c>bw</c> is <c>rgb2gray</c>.</summary>
public sealed class ColourDistortion : Distortion
{
    /// <inheritdoc />
    public override string Name => "colour";

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; } = L((0, "cr"), (1, "bw"));

    /// <inheritdoc />
    protected override string LevelHelp => "cr (colour) or bw (greyscale)";

    /// <inheritdoc />
    protected override bool IsValid(double value) => false;

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise) =>
        level.Value == 0 ? image : Greyscale.Of(image);
}
