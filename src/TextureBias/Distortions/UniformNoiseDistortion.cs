namespace TextureBias.Distortions;

/// <summary>The reference's <c>uniform_noise</c>: grey, contrast 0.3, plus U[−w, w) per pixel (row by row), clipped to [0, 1].</summary>
public sealed class UniformNoiseDistortion : Distortion
{
    /// <summary>The contrast the reference reduces to before adding noise.</summary>
    public const double Contrast = 0.3;

    /// <inheritdoc />
    public override string Name => "uniform-noise";

    /// <inheritdoc />
    public override bool IsRandom => true;

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; } = L("0.0", "0.03", "0.05", "0.1", "0.2", "0.35", "0.6", "0.9");

    /// <inheritdoc />
    protected override string LevelHelp => "a noise width w ≥ 0";

    /// <inheritdoc />
    protected override bool IsValid(double value) => value >= 0 && double.IsFinite(value);

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise)
    {
        var img = ContrastDistortion.Apply(image, Contrast);
        var v = img.Values;
        double w = level.Value;
        for (int i = 0; i < v.Length; i++) v[i] += noise.Uniform(-w, w);
        Greyscale.Clip(v);
        return img;
    }
}
