using TextureBias.Evaluation;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Evaluation;

public class DistortionsTests
{
    private static RgbImage Photo() => Preprocessing.CropRegion(ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png")), 100, 50, 64, 48);

    /// <summary>High-frequency energy: mean squared difference between horizontal neighbours.</summary>
    private static double Detail(RgbImage img)
    {
        double sum = 0;
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x + 1 < img.Width; x++)
                for (int c = 0; c < 3; c++)
                {
                    double d = img[x + 1, y, c] - img[x, y, c];
                    sum += d * d;
                }
        return sum / (img.Height * (img.Width - 1) * 3);
    }

    [Theory]
    [InlineData("uniform-noise")]
    [InlineData("contrast")]
    [InlineData("low-pass")]
    [InlineData("high-pass")]
    [InlineData("phase-noise")]
    public void LevelZeroIsTheIdentityAndOtherLevelsChangeTheImage(string name)
    {
        var image = Photo();
        Assert.Equal(image.Pixels, TextureBias.Evaluation.Distortions.Apply(image, name, 0, new Random(1)).Pixels);
        Assert.Equal(0, TextureBias.Evaluation.Distortions.DefaultLevels(name)[0]);
        var distorted = TextureBias.Evaluation.Distortions.Apply(image, name, TextureBias.Evaluation.Distortions.DefaultLevels(name)[3], new Random(1));
        Assert.Equal((image.Width, image.Height), (distorted.Width, distorted.Height));
        Assert.NotEqual(image.Pixels, distorted.Pixels);
    }

    [Fact]
    public void DistortionsDoWhatTheirNamesSay()
    {
        var image = Photo();
        // Contrast reduced by 0.5: v -> 0.5 v + 0.25, around mid-grey.
        var contrast = TextureBias.Evaluation.Distortions.Apply(image, "contrast", 0.5, new Random(1));
        Assert.InRange(contrast[3, 4, 1], Math.Round((0.5 * image[3, 4, 1] / 255.0 + 0.25) * 255) - 1, Math.Round((0.5 * image[3, 4, 1] / 255.0 + 0.25) * 255) + 1);
        Assert.True(Detail(TextureBias.Evaluation.Distortions.Apply(image, "low-pass", 3, new Random(1))) < 0.5 * Detail(image));
        Assert.True(Detail(TextureBias.Evaluation.Distortions.Apply(image, "high-pass", 1, new Random(1))) > 0.3 * Detail(image)); // keeps the detail
        var noisy = TextureBias.Evaluation.Distortions.Apply(image, "uniform-noise", 0.1, new Random(1));
        Assert.True(image.Pixels.Zip(noisy.Pixels).All(p => Math.Abs(p.First - p.Second) <= 26)); // |noise| ≤ 0.1·255
        // Phase noise keeps the amplitude spectrum: the mean brightness (DC) is unchanged up to rounding and clipping.
        var phase = TextureBias.Evaluation.Distortions.Apply(image, "phase-noise", 90, new Random(1));
        Assert.True(Math.Abs(phase.Pixels.Average(b => (double)b) - image.Pixels.Average(b => (double)b)) < 6);
        Assert.Contains("unknown distortion", Assert.Throws<TextureBiasException>(() => TextureBias.Evaluation.Distortions.Apply(image, "blur", 1, new Random(1))).Message);
    }
}

public class GreyscaleTests
{
    [Fact]
    public void GreyIsPilsLuminanceInThreeChannels()
    {
        var image = new RgbImage(2, 1, new byte[] { 200, 30, 60, 0, 0, 255 });
        var grey = TextureBias.Evaluation.Distortions.Greyscale(image);
        // (200*299 + 30*587 + 60*114 + 500) / 1000 = 84; (255*114 + 500) / 1000 = 29
        Assert.Equal(new byte[] { 84, 84, 84, 29, 29, 29 }, grey.Pixels);
    }
}
