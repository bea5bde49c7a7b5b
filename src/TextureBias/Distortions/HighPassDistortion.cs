using TextureBias.Data;

namespace TextureBias.Distortions;

/// <summary>
/// The reference's <c>high_pass_filter</c>: grey, minus its Gaussian low-pass (constant 0.4423 outside),
/// plus (0.4423 − mean of the difference), clipped. <c>inf</c> (no filter) is the grey image.
/// </summary>
public sealed class HighPassDistortion : Distortion
{
    /// <inheritdoc />
    public override string Name => "high-pass";

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; } =
        L((double.PositiveInfinity, "inf"), (3.0, "3.0"), (1.5, "1.5"), (1.0, "1.0"), (0.7, "0.7"), (0.55, "0.55"), (0.45, "0.45"), (0.4, "0.4"));

    /// <inheritdoc />
    protected override string LevelHelp => "a filter standard deviation > 0 in pixels (inf: none)";

    /// <inheritdoc />
    protected override bool IsValid(double value) => value > 0;

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise)
    {
        var g = Greyscale.Of(image);
        if (double.IsPositiveInfinity(level.Value)) return g; // the reference's "inf" condition: no filtering
        var low = GaussianFilter.Apply(g.Values, g.Width, g.Height, level.Value, LowPassDistortion.BackgroundGrey);
        var v = new double[low.Length];
        for (int i = 0; i < v.Length; i++) v[i] = g.Values[i] - low[i];
        double diff = LowPassDistortion.BackgroundGrey - NumpySum.Mean(v);
        for (int i = 0; i < v.Length; i++) v[i] += diff;
        Greyscale.Clip(v);
        return new FloatImage(g.Width, g.Height, 1, v);
    }
}
