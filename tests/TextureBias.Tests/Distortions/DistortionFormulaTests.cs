using TextureBias.Distortions;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Distortions;

/// <summary>
/// Each distortion against the reference's formulas on a small 6×4 image. Expected values were printed
/// once by numpy 1.24 (/usr/bin/python3) running the reference's steps: the image is
/// <c>np.random.RandomState(3).randint(0, 256, size=(4, 6, 3))</c>, grey = <c>img @ [0.2125, 0.7154, 0.0721]</c>.
/// </summary>
public class DistortionFormulaTests
{
    static readonly byte[] Pixels =
    [
        106, 152, 249, 131, 184, 200, 0, 21, 253, 147, 202, 107, 249, 169, 138, 149, 119, 166, 224, 148, 172, 93, 167, 142,
        248, 26, 81, 218, 150, 66, 2, 191, 60, 129, 179, 90, 69, 104, 110, 97, 157, 106, 152, 251, 62, 7, 248, 171,
        33, 123, 79, 176, 37, 20, 94, 49, 149, 127, 206, 244, 28, 119, 54, 0, 192, 233, 18, 116, 191, 165, 184, 184,
    ];

    static readonly double[] Grey =
    [
        0.5851713725490195, 0.6819258823529412, 0.13044980392156863, 0.7194627450980392, 0.7206466666666667, 0.5049556862745098,
        0.6505113725490197, 0.5861666666666667, 0.30251176470588237, 0.6211513725490196, 0.5544800000000001, 0.6351298039215686,
        0.3803729411764706, 0.5512662745098039, 0.8483749019607842, 0.7499443137254902, 0.39491215686274517, 0.256124705882353,
        0.25793137254901966, 0.7527541176470589, 0.3724549019607843, 0.6045337254901961, 0.39444117647058824, 0.7057352941176472,
    ];

    static FloatImage Image() => FloatImage.FromRgb(new RgbImage(6, 4, Pixels));

    static FloatImage Apply(string name, string level, NoiseSource? noise = null)
    {
        var d = DistortionRegistry.Get(name);
        return d.Apply(Image(), d.ParseLevel(level), noise ?? NoiseSource.Fast(0));
    }

    static void Near(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"value {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void GreyIsScikitImagesRgb2Gray() => Near(Grey, Apply("colour", "bw").Values, 1e-15);

    [Fact]
    public void ContrastScalesAroundHalf()
    {
        var v = Apply("contrast", "c10").Values;
        Near(Grey.Select(g => 0.45 + g * 0.1).ToArray(), v, 1e-15);
    }

    [Fact]
    public void PhaseScramblingEqualsNumpyWithTheSameSeed()
    {
        // np.random.seed(11); shifts = (np.random.random(15 // 2) - 0.5) * 2 * 90 / 180 * np.pi; then the
        // reference's scramble_phases with np.fft (fftpack's fft2 gives the same values).
        double[] expected =
        [
            0.5786655003356801, 0.48399145368199437, 0.2642477283551308, 0.9495377925970545, 0.6044932019453999, 0.48395365494539694,
            0.591236422058673, 0.5128106241788528, 0.47222471959412193, 0.5416305176961999, 0.4354586662024047, 0.7794233718624995,
            0.4726505717789945, 0.7154555661711429, 0.7918903107355795, 0.5084017756263701, 0.3479805299864697, 0.3223393648211775,
            0.40297808142855085, 0.792365023125265, 0.2800552802809021, 0.6725870897429115, 0.35037741867064154, 0.6066543537864278,
        ];
        Near(expected, Apply("phase-scrambling", "90", NoiseSource.Numpy(11)).Values, 1e-12);
    }

    [Fact]
    public void RotationsAreNumpysRot90OfTheGrey()
    {
        var r90 = Apply("rotation", "90");
        Assert.Equal((4, 6), (r90.Width, r90.Height));
        // np.rot90(grey): out[i, j] = grey[j, w-1-i]
        Assert.Equal(Grey[0 * 6 + 5], r90.Values[0]);
        Assert.Equal(Grey[3 * 6 + 5], r90.Values[3]);
        Assert.Equal(Grey[0 * 6 + 0], r90.Values[5 * 4 + 0]);
        var r270 = Apply("rotation", "270");
        Assert.Equal(Grey[3 * 6 + 0], r270.Values[0]); // out[0, 0] = grey[h-1, 0]
        Assert.Equal(Grey[0 * 6 + 5], r270.Values[5 * 4 + 3]);
        var r180 = Apply("rotation", "180");
        Assert.Equal(Grey.Reverse().ToArray(), r180.Values);
    }

    [Fact]
    public void UniformNoiseIsContrastPointThreePlusNumpysUniform()
    {
        var noise = new NumpyRandomState(5).Uniform(-0.2, 0.2, 24);
        var expected = Grey.Select((g, i) => Math.Clamp(0.35 + g * 0.3 + noise[i], 0, 1)).ToArray();
        Near(expected, Apply("uniform-noise", "0.2", NoiseSource.Numpy(5)).Values, 0);
    }

    [Fact]
    public void SaltAndPepperSetsWhiteAboveAndBlackBelow()
    {
        var u = new NumpyRandomState(9).RandomSample(24);
        var v = Apply("salt-and-pepper", "0.5", NoiseSource.Numpy(9)).Values;
        for (int i = 0; i < 24; i++)
            Assert.Equal(u[i] >= 0.75 ? 1 : u[i] < 0.25 ? 0 : 0.35 + Grey[i] * 0.3, v[i], 15);
    }

    [Fact]
    public void PixelsRoundAsToimageOrTruncateAsTheNewerCode()
    {
        var img = new FloatImage(3, 1, 1, [0.5 / 255, 0.4999 / 255, 254.6 / 255]);
        Assert.Equal(new byte[] { 1, 1, 1, 0, 0, 0, 255, 255, 255 }, img.ToRgb().Pixels);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 254, 254, 254 }, img.ToRgb(PixelQuantisation.Truncate).Pixels);
    }

    [Theory]
    [InlineData("colour", "cr")]
    [InlineData("power-equalisation", "0")]
    [InlineData("false-colour", "True")]
    public void IdentityLevelsKeepTheColourImage(string name, string level) =>
        Assert.Equal(Pixels, Apply(name, level).ToRgb().Pixels);

    [Theory]
    [InlineData("contrast", "c100")]
    [InlineData("uniform-noise", "0.0")]
    [InlineData("salt-and-pepper", "0.0")]
    [InlineData("low-pass", "0")]
    [InlineData("high-pass", "inf")]
    [InlineData("rotation", "0")]
    [InlineData("phase-scrambling", "0")]
    public void IdentityLevelsAreTheGreyImage(string name, string level)
    {
        double tolerance = name is "phase-scrambling" ? 1e-14 : name is "uniform-noise" or "salt-and-pepper" ? 0 : 0;
        var expected = name is "uniform-noise" or "salt-and-pepper" ? Grey.Select(g => 0.35 + g * 0.3).ToArray() : Grey;
        Near(expected, Apply(name, level, NoiseSource.Numpy(1)).Values, tolerance);
    }

    [Fact]
    public void LevelsParseFromConditionsAndNumbersAndRejectNonsense()
    {
        var contrast = DistortionRegistry.Get("contrast");
        Assert.Equal(0.1, contrast.ParseLevel("c10").Value);
        Assert.Equal("c10", contrast.ParseLevel("0.1").Condition);
        Assert.Equal("c20", contrast.ParseLevel("0.2").Condition);
        Assert.Contains("contrast", Assert.Throws<TextureBiasException>(() => contrast.ParseLevel("2")).Message);
        Assert.True(double.IsPositiveInfinity(DistortionRegistry.Get("high-pass").ParseLevel("inf").Value));
        Assert.Equal("pow", DistortionRegistry.Get("power-equalisation").ParseLevel("pow").Condition);
        Assert.Throws<TextureBiasException>(() => DistortionRegistry.Get("rotation").ParseLevel("45"));
        Assert.Contains("unknown distortion", Assert.Throws<TextureBiasException>(() => DistortionRegistry.Get("blur")).Message);
    }

    [Fact]
    public void PowerEqualisationRefusesOtherSizesClearly() =>
        Assert.Contains("224x224", Assert.Throws<TextureBiasException>(() => Apply("power-equalisation", "pow")).Message);
}
