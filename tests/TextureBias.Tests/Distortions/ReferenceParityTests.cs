using TextureBias.Distortions;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Distortions;

/// <summary>
/// Pixel parity with the reference's own outputs (Fixtures/distortions, CC BY 4.0, made by the
/// reference's example_stimuli.py from example_image.png).
/// </summary>
public class ReferenceParityTests
{
    static string F(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "distortions", name);

    static FloatImage Input() => FloatImage.FromRgb(ImageDecoder.Decode(F("example_image.png")));

    static void AssertSame(string expectedFile, FloatImage actual, int maxOffPixels = 0)
    {
        var expected = ImageDecoder.Decode(F(expectedFile));
        var got = actual.ToRgb();
        Assert.Equal((expected.Width, expected.Height), (got.Width, got.Height));
        int off = 0, worst = 0;
        for (int i = 0; i < got.Pixels.Length; i++)
        {
            int d = Math.Abs(got.Pixels[i] - expected.Pixels[i]);
            if (d > 0) off++;
            worst = Math.Max(worst, d);
        }
        Assert.True(worst <= 1, $"{expectedFile}: a value is {worst}/255 off");
        Assert.True(off <= maxOffPixels, $"{expectedFile}: {off} values differ by 1/255");
    }

    static FloatImage Apply(string name, string level, NoiseSource? noise = null)
    {
        var d = DistortionRegistry.Get(name);
        return d.Apply(Input(), d.ParseLevel(level), noise ?? NoiseSource.Fast(0));
    }

    [Fact] public void Greyscale() => AssertSame("example_image_grayscale.png", Apply("colour", "bw"));
    [Fact] public void Contrast() => AssertSame("example_image_low_contrast.png", Apply("contrast", "c30"));
    [Fact] public void LowPass() => AssertSame("example_image_lowpass.png", Apply("low-pass", "3"));
    [Fact] public void HighPass() => AssertSame("example_image_highpass.png", Apply("high-pass", "3.0"));
    [Fact] public void PowerEqualisation() => AssertSame("example_image_power_equalisation.png", Apply("power-equalisation", "pow"));
    [Fact] public void FalseColour() => AssertSame("example_image_false-colour.png", Apply("false-colour", "False"));
    [Fact] public void Rotation90() => AssertSame("example_image_rotation90.png", Apply("rotation", "90"));

    [Fact]
    public void UniformNoiseThenSaltAndPepperFromOneNumpyStream()
    {
        var noise = NoiseSource.Numpy(42);
        AssertSame("example_image_uniform_noise.png", Apply("uniform-noise", "0.2", noise));
        AssertSame("example_image_salt_and_pepper_noise.png", Apply("salt-and-pepper", "0.1", noise));
    }
}
