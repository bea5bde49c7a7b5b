namespace TextureBias.Distortions;

/// <summary>
/// The reference's <c>salt_and_pepper_noise</c>: grey, contrast 0.3, u ~ U[0, 1) per pixel: white where
/// u ≥ 1 − p/2, black where u &lt; p/2 (as +1 / −1 then clipped).
/// </summary>
public sealed class SaltAndPepperDistortion : Distortion
{
    /// <inheritdoc />
    public override string Name => "salt-and-pepper";

    /// <inheritdoc />
    public override bool IsRandom => true;

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; } = L("0.0", "0.1", "0.2", "0.35", "0.5", "0.65", "0.8", "0.95");

    /// <inheritdoc />
    protected override string LevelHelp => "a probability p in [0, 1]";

    /// <inheritdoc />
    protected override bool IsValid(double value) => value is >= 0 and <= 1;

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise)
    {
        var img = ContrastDistortion.Apply(image, UniformNoiseDistortion.Contrast);
        var v = img.Values;
        double p = level.Value, salt = 1 - p / 2, pepper = p / 2;
        for (int i = 0; i < v.Length; i++)
        {
            double u = noise.Uniform(0, 1);
            v[i] = v[i] + (u >= salt ? 1.0 : 0.0) + (u < pepper ? -1.0 : 0.0);
        }
        Greyscale.Clip(v);
        return img;
    }
}
