using TextureBias.Imaging;

namespace TextureBias.Distortions;

/// <summary>
/// eidolon-I, eidolon-II or eidolon-III as a registered distortion: the reference's
/// <c>eidolon_partially_coherent_disarray(image, reach, coherence, 10)</c> (see <see cref="EidolonDisarray"/>).
/// Levels are reaches (1 … 128, condition strings like <c>8-3-10</c>); there is no undistorted level. The input
/// goes through wrapper.py's <c>data_to_pic</c> (×255, truncated to 8 bits; RGB made grey as PIL does); the
/// output is one grey channel (8-bit values / 255). The Gaussian noise is numpy's legacy <c>gauss</c> on the
/// noise source's doubles, so with <see cref="NoiseSource.Numpy"/> it is the toolbox's stream after
/// <c>np.random.seed</c>.
/// </summary>
public sealed class EidolonDistortion : Distortion
{
    /// <summary>The three eidolon distortions.</summary>
    public static IReadOnlyList<EidolonDistortion> All { get; } =
        Eidolons.Names.Select(n => new EidolonDistortion(n)).ToArray();

    private EidolonDistortion(string name)
    {
        Name = name;
        Coherence = Eidolons.Coherence(name);
        Levels = Eidolons.DefaultReaches.Select(r => new DistortionLevel(r, Eidolons.Condition(name, r))).ToArray();
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>The coherence (1.0, 0.3 or 0.0).</summary>
    public double Coherence { get; }

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; }

    /// <inheritdoc />
    public override bool IsRandom => true;

    /// <inheritdoc />
    protected override string LevelHelp => "a reach ≥ 0 in pixels";

    /// <inheritdoc />
    protected override bool IsValid(double value) => value >= 0 && double.IsFinite(value);

    /// <inheritdoc />
    protected override string ConditionOf(double value) => Eidolons.Condition(Name, value);

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(noise);
        int n = image.Width * image.Height;
        var px = new byte[n * 3];
        var v = image.Values;
        if (image.Channels == 3)
            for (int i = 0; i < px.Length; i++) px[i] = ToByte(v[i]);
        else
            for (int i = 0; i < n; i++) px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = ToByte(v[i]);
        var eidolon = EidolonDisarray.PartiallyCoherent(new RgbImage(image.Width, image.Height, px), level.Value,
            Coherence, Eidolons.Grain, new LegacyGauss(noise.Next).Next);
        var grey = new double[eidolon.Width * eidolon.Height];
        for (int i = 0; i < grey.Length; i++) grey[i] = eidolon.Pixels[3 * i] / 255.0;
        return new FloatImage(eidolon.Width, eidolon.Height, 1, grey);
    }

    // wrapper.py's data_to_pic: (dat * 255.0).astype("uint8") (clipped here, where numpy would wrap).
    private static byte ToByte(double value)
    {
        double s = value * 255.0;
        return s <= 0 || double.IsNaN(s) ? (byte)0 : s >= 255 ? (byte)255 : (byte)s;
    }
}
