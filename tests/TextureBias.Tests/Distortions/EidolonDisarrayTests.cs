using TextureBias.Distortions;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Distortions;

// Expected values were computed once by hand with Debian's /usr/bin/python3 (numpy 1.24, Pillow 9.4) running the
// Eidolon toolbox from f-amerehi/Eidolon (gestaltrevision/Eidolon with its PR #1 applied) exactly as
// rgeirhos/generalisation-humans-DNNs code/wrapper.py's partially_coherent_disarray does (Picture of SZ=256,
// MIN_STD=1/sqrt(2), MAX_STD=64, factor sqrt(2)), after np.random.seed(seed), on the image TestImage() below saved
// as a PNG. The port matched those runs pixel for pixel; the sums, sums of squares and pixel runs below are theirs.
public class EidolonDisarrayTests
{
    // A checkerboard of 16-px squares (0 / 160) plus a diagonal ramp (x + y) / 8: edges at every scale.
    internal static byte[] TestImage()
    {
        var img = new byte[256 * 256];
        for (int y = 0; y < 256; y++)
            for (int x = 0; x < 256; x++)
                img[y * 256 + x] = (byte)(((x / 16 + y / 16) % 2) * 160 + (x + y) / 8);
        return img;
    }

    private static byte[] Run(double reach, double coherence, long seed) =>
        EidolonDisarray.PartiallyCoherent(TestImage(), 256, 256, reach, coherence, 10,
            new NumpyRandomState(seed).StandardNormal);

    private static (long Sum, long SumSq) Sums(byte[] image)
    {
        long sum = 0, sq = 0;
        foreach (var v in image)
        {
            sum += v;
            sq += v * v;
        }
        return (sum, sq);
    }

    private static int[] Slice(byte[] image, int row, int from, int count) =>
        Enumerable.Range(from, count).Select(x => (int)image[row * 256 + x]).ToArray();

    [Theory]
    // eidolon-I (coherence 1), eidolon-II (0.3), eidolon-III (0); all with grain 10.
    [InlineData(8.0, 1.0, 42L, 7252244L, 1119286126L, new[] { 180, 180, 176, 175, 176, 178 }, new[] { 26, 26, 27, 28, 29, 27 })]
    [InlineData(128.0, 0.3, 7L, 7240378L, 875205436L, new[] { 91, 86, 82, 105, 96, 157 }, new[] { 115, 84, 127, 109, 137, 160 })]
    [InlineData(2.0, 0.0, 3L, 7256005L, 1087501295L, new[] { 183, 183, 184, 185, 187, 185 }, new[] { 24, 24, 26, 27, 29, 32 })]
    public void EqualsTheToolboxRunWithTheSameNumpySeed(double reach, double coherence, long seed, long sum, long sumSq,
        int[] row37From120, int[] row200From3)
    {
        var eidolon = Run(reach, coherence, seed);

        Assert.Equal(256 * 256, eidolon.Length);
        Assert.Equal((sum, sumSq), Sums(eidolon));
        Assert.Equal(row37From120, Slice(eidolon, 37, 120, 6));
        Assert.Equal(row200From3, Slice(eidolon, 200, 3, 6));
    }

    [Fact]
    public void SameSeedGivesTheSameEidolonAndAnotherSeedAnother()
    {
        var a = Run(16, 0.3, 11);
        var b = Run(16, 0.3, 11);
        var c = Run(16, 0.3, 12);

        Assert.Equal(a, b);
        Assert.True(a.Zip(c).Count(p => p.First != p.Second) > 10_000, "another seed should move most pixels");
    }

    [Fact]
    public void ReachZeroIsTheFinestBlurWhateverTheNoise()
    {
        // With reach 0 nothing moves: the DOG layers add up to the image blurred at sigma 1/sqrt(2) (the toolbox has
        // no identity level). Toolbox, seed 1, coherence 1: sum 7278442, sum of squares 1165606910.
        var image = TestImage();
        var a = Run(0, 1.0, 1);
        var b = Run(0, 0.0, 99);

        Assert.Equal(a, b);
        Assert.Equal((7278442L, 1165606910L), Sums(a));
        Assert.Equal(new[] { 179, 179, 179, 179, 179, 180 }, Slice(a, 37, 120, 6));
        // Inside the squares (away from edges) the blur changes a grey value by at most one step of truncation.
        Assert.InRange(image[40 * 256 + 40] - a[40 * 256 + 40], 0, 1);
        Assert.InRange(image[200 * 256 + 180] - a[200 * 256 + 180], 0, 1);
    }

    [Fact]
    public void LargerReachMovesMorePixels()
    {
        var image = TestImage();
        int Changed(byte[] e) => e.Zip(image).Count(p => Math.Abs(p.First - p.Second) > 8);

        int small = Changed(Run(1, 1.0, 5));
        int large = Changed(Run(32, 1.0, 5));

        Assert.True(large > 2 * small, $"reach 32 changed {large} pixels, reach 1 changed {small}");
    }

    [Fact]
    public void RgbImagesAreResizedToTheWorkingSizeAndGreyedAsPilDoes()
    {
        // 300×200 RGB: the toolbox resizes to 256×171 (Lanczos) and converts to L. Toolbox run: reach 16,
        // coherence 0.3, grain 10, seed 5: sum 4843097, sum of squares 567088753.
        var pixels = new byte[300 * 200 * 3];
        for (int y = 0; y < 200; y++)
            for (int x = 0; x < 300; x++)
            {
                int i = (y * 300 + x) * 3;
                pixels[i] = (byte)((x * 7 + y * 3) % 256);
                pixels[i + 1] = (byte)(((x / 20 + y / 20) % 2) * 200);
                pixels[i + 2] = (byte)(x * y % 256);
            }

        var eidolon = EidolonDisarray.PartiallyCoherent(new RgbImage(300, 200, pixels), 16, 0.3, 10,
            new NumpyRandomState(5).StandardNormal);

        Assert.Equal((256, 171), (eidolon.Width, eidolon.Height));
        var grey = Enumerable.Range(0, 256 * 171).Select(i => eidolon.Pixels[3 * i]).ToArray();
        Assert.All(Enumerable.Range(0, 256 * 171), i =>
            Assert.True(eidolon.Pixels[3 * i + 1] == grey[i] && eidolon.Pixels[3 * i + 2] == grey[i]));
        Assert.Equal((4843097L, 567088753L), Sums(grey));
        Assert.Equal(new[] { 45, 38, 43, 47, 39, 42 }, grey[..6].Select(v => (int)v).ToArray());
    }

    [Fact]
    public void GreyConversionIsPils()
    {
        // PIL 9.4: Image.fromarray(...).convert("L") of these pixels gave 92 and 125.
        var image = new RgbImage(2, 1, new byte[] { 172, 47, 117, 192, 67, 251 });
        Assert.Equal(new byte[] { 92, 125 }, EidolonDisarray.ToGrey(image));
    }

    [Theory]
    [InlineData(-1.0, 0.5, 10.0)]
    [InlineData(double.NaN, 0.5, 10.0)]
    [InlineData(4.0, 1.5, 10.0)]
    [InlineData(4.0, -0.1, 10.0)]
    [InlineData(4.0, 0.5, 0.0)]
    public void BadParametersAreRejected(double reach, double coherence, double grain)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            EidolonDisarray.PartiallyCoherent(TestImage(), 256, 256, reach, coherence, grain, () => 0.0));
    }

    [Fact]
    public void GreyImagesMustHaveTheWorkingSize()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            EidolonDisarray.PartiallyCoherent(new byte[200 * 200], 200, 200, 4, 1, 10, () => 0.0));
        Assert.Contains("256", e.Message);
    }
}
