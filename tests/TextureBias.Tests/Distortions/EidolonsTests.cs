using TextureBias.Distortions;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Distortions;

public class EidolonsTests
{
    [Theory]
    // model-vs-human's data_conditions (modelvshuman/datasets/experiments.py).
    [InlineData("eidolon-I", 1.0, "1-10-10")]
    [InlineData("eidolon-I", 128.0, "128-10-10")]
    [InlineData("eidolon-II", 16.0, "16-3-10")]
    [InlineData("eidolon-III", 8.0, "8-0-10")]
    public void ConditionStringsAreModelVsHumans(string name, double reach, string condition)
    {
        Assert.Equal(condition, Eidolons.Condition(name, reach));
    }

    [Fact]
    public void CoherencesAndReachesAreThePapers()
    {
        Assert.Equal(new[] { 1.0, 0.3, 0.0 }, Eidolons.Names.Select(Eidolons.Coherence));
        Assert.Equal(new double[] { 1, 2, 4, 8, 16, 32, 64, 128 }, Eidolons.DefaultReaches);
        Assert.Throws<TextureBiasException>(() => Eidolons.Coherence("eidolon-IV"));
    }

    [Fact]
    public void ApplyUsesTheNamedCoherenceAndGrain()
    {
        var pixels = new byte[256 * 256 * 3];
        for (int i = 0; i < 256 * 256; i++)
            pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = (byte)(((i % 256) / 32 + i / 256 / 32) % 2 * 200);
        var image = new RgbImage(256, 256, pixels);

        var viaName = Eidolons.Apply(image, "eidolon-II", 8, new NumpyRandomState(3).StandardNormal);
        var direct = EidolonDisarray.PartiallyCoherent(image, 8, 0.3, 10, new NumpyRandomState(3).StandardNormal);
        var other = Eidolons.Apply(image, "eidolon-III", 8, new NumpyRandomState(3).StandardNormal);

        Assert.Equal(direct.Pixels, viaName.Pixels);
        Assert.NotEqual(direct.Pixels, other.Pixels);
    }

    [Fact]
    public void TheRegistryHoldsTheThreeWithModelVsHumansLevels()
    {
        var d = DistortionRegistry.Get("eidolon-II");

        Assert.True(d.IsRandom);
        Assert.Equal(new[] { "1-3-10", "2-3-10", "4-3-10", "8-3-10", "16-3-10", "32-3-10", "64-3-10", "128-3-10" },
            d.Levels.Select(l => l.Condition));
        Assert.Equal(8, d.ParseLevel("8-3-10").Value);
        Assert.Equal("3-3-10", d.ParseLevel("3").Condition);
        Assert.Throws<TextureBiasException>(() => d.ParseLevel("-1"));
        Assert.Throws<TextureBiasException>(() => d.ParseLevel("8-10-10"));
        Assert.Equal("128-10-10", DistortionRegistry.Get("eidolon-I").Levels[^1].Condition);
        Assert.Equal("1-0-10", DistortionRegistry.Get("eidolon-III").Levels[0].Condition);
    }

    [Fact]
    public void TheRegisteredDistortionWithNumpyNoiseIsTheToolboxRun()
    {
        // The grey test image as the reference holds it (bytes / 255), eidolon-II at reach 128 with numpy seed 7:
        // the toolbox gave sum 7240378 and these pixels (see EidolonDisarrayTests).
        var grey = EidolonDisarrayTests.TestImage();
        var image = new FloatImage(256, 256, 1, grey.Select(b => b / 255.0).ToArray());
        var d = DistortionRegistry.Get("eidolon-II");

        var eidolon = d.Apply(image, d.ParseLevel("128-3-10"), NoiseSource.Numpy(7));

        Assert.Equal((256, 256, 1), (eidolon.Width, eidolon.Height, eidolon.Channels));
        var bytes = eidolon.Values.Select(v => (int)Math.Round(v * 255)).ToArray();
        Assert.All(eidolon.Values, v => Assert.Equal(v, Math.Round(v * 255) / 255.0));
        Assert.Equal(7240378L, bytes.Sum(b => (long)b));
        Assert.Equal(new[] { 91, 86, 82, 105, 96, 157 }, bytes[(37 * 256 + 120)..(37 * 256 + 126)]);
        // Saved as the reference saves, the pixels are those bytes again.
        Assert.Equal(bytes.Select(b => (byte)b).ToArray(),
            eidolon.ToRgb(PixelQuantisation.Truncate).Pixels.Where((_, i) => i % 3 == 0).ToArray());
    }
}
