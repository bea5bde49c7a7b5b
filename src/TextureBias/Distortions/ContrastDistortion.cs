using System.Globalization;

namespace TextureBias.Distortions;

/// <summary>The reference's <c>grayscale_contrast</c>: grey, then <c>(1 − c)/2 + c·image</c>.</summary>
public sealed class ContrastDistortion : Distortion
{
    /// <inheritdoc />
    public override string Name => "contrast";

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; } =
        L((1.0, "c100"), (0.5, "c50"), (0.3, "c30"), (0.15, "c15"), (0.10, "c10"), (0.05, "c05"), (0.03, "c03"), (0.01, "c01"));

    /// <inheritdoc />
    protected override string LevelHelp => "a contrast c in [0, 1] (or cNN, NN percent)";

    /// <inheritdoc />
    protected override bool IsValid(double value) => value is >= 0 and <= 1;

    /// <inheritdoc />
    protected override string ConditionOf(double value) => "c" + (value * 100).ToString("00.##", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise) => Apply(image, level.Value);

    /// <summary><c>grayscale_contrast(image, c)</c>.</summary>
    public static FloatImage Apply(FloatImage image, double contrast)
    {
        var grey = Greyscale.Of(image);
        var v = new double[grey.Values.Length];
        double offset = (1 - contrast) / 2.0;
        for (int i = 0; i < v.Length; i++) v[i] = offset + grey.Values[i] * contrast;
        return new FloatImage(grey.Width, grey.Height, 1, v);
    }
}
