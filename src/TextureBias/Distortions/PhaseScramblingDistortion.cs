using System.Numerics;

namespace TextureBias.Distortions;

/// <summary>
/// The reference's <c>phase_scrambling</c> (<c>scramble_phases</c>): draws (h−1)(w−1)//2 values r in [0, 1),
/// shifts = (r − 0.5)·2·w/180·π; grey; centred 2-D FFT; the phases of the [1:, 1:] block, flattened, get
/// +shifts on the first half and −shifts from just after the middle; amplitudes kept; inverse FFT, real
/// part, clipped. (For odd image sizes, where the reference's arrays do not line up and it fails, the
/// second half takes as many shifts as it has elements.)
/// </summary>
public sealed class PhaseScramblingDistortion : Distortion
{
    /// <inheritdoc />
    public override string Name => "phase-scrambling";

    /// <inheritdoc />
    public override bool IsRandom => true;

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; } = L("0", "30", "60", "90", "120", "150", "180");

    /// <inheritdoc />
    protected override string LevelHelp => "a phase noise width in degrees, 0 to 180";

    /// <inheritdoc />
    protected override bool IsValid(double value) => value is >= 0 and <= 180;

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise)
    {
        int w = image.Width, h = image.Height;
        int length = (h - 1) * (w - 1), half = length / 2;
        var shifts = new double[half];
        for (int i = 0; i < half; i++) shifts[i] = (noise.Next() - 0.5) * 2 * level.Value / 180 * Math.PI;

        var g = Greyscale.Of(image);
        var f = Spectrum.Forward(g);
        var amp = new double[f.Length];
        var phase = new double[f.Length];
        for (int i = 0; i < f.Length; i++) (amp[i], phase[i]) = (Complex.Abs(f[i]), Math.Atan2(f[i].Imaginary, f[i].Real));
        for (int t = 0; t < length; t++)
        {
            int idx = (1 + t / (w - 1)) * w + 1 + t % (w - 1);
            if (t < half) phase[idx] += shifts[t];
            else if (t > half && t - (half + 1) < half) phase[idx] -= shifts[t - (half + 1)];
        }
        return Spectrum.Inverse(amp, phase, w, h);
    }
}
