namespace TextureBias.Distortions;

/// <summary>The reference's <c>low_pass_filter</c>: grey, Gaussian filter (constant 0.4423 outside), clipped.</summary>
public sealed class LowPassDistortion : Distortion
{
    /// <summary>The reference's background grey (mean pixel value over its images).</summary>
    public const double BackgroundGrey = 0.4423;

    /// <inheritdoc />
    public override string Name => "low-pass";

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; } = L("0", "1", "3", "5", "7", "10", "15", "40");

    /// <inheritdoc />
    protected override string LevelHelp => "a filter standard deviation ≥ 0 in pixels (0: none)";

    /// <inheritdoc />
    protected override bool IsValid(double value) => value >= 0 && double.IsFinite(value);

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise)
    {
        var g = Greyscale.Of(image);
        var v = GaussianFilter.Apply(g.Values, g.Width, g.Height, level.Value, BackgroundGrey);
        Greyscale.Clip(v);
        return new FloatImage(g.Width, g.Height, 1, v);
    }
}
