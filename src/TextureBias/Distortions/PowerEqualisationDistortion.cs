using System.Numerics;

namespace TextureBias.Distortions;

/// <summary>
/// The reference's <c>power_equalisation</c>: grey, centred FFT, amplitudes replaced by the mean amplitude
/// spectrum of the reference's images (<c>mean_power_spectrum_grey.npy</c>, 224×224), phases kept, inverse
/// FFT, real part, clipped. Only 224×224 images, as in the reference.
/// </summary>
public sealed class PowerEqualisationDistortion : Distortion
{
    /// <inheritdoc />
    public override string Name => "power-equalisation";

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; } = L((0, "0"), (1, "pow"));

    /// <inheritdoc />
    protected override string LevelHelp => "0 (original) or pow (equalised)";

    /// <inheritdoc />
    protected override bool IsValid(double value) => false;

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise)
    {
        if (level.Value == 0) return image;
        var mean = ReferenceData.MeanAmplitudeSpectrum;
        if (image.Width != ReferenceData.SpectrumSize || image.Height != ReferenceData.SpectrumSize)
            throw new TextureBiasException($"power-equalisation needs {ReferenceData.SpectrumSize}x{ReferenceData.SpectrumSize} images (the size of the reference's mean spectrum), not {image.Width}x{image.Height}");
        var f = Spectrum.Forward(Greyscale.Of(image));
        var phase = new double[f.Length];
        for (int i = 0; i < f.Length; i++) phase[i] = Math.Atan2(f[i].Imaginary, f[i].Real);
        return Spectrum.Inverse(mean, phase, image.Width, image.Height);
    }
}
