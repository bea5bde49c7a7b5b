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
}
