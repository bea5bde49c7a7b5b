using TextureBias.Distortions;
using Xunit;

namespace TextureBias.Tests.Distortions;

// Expected values printed once by numpy 1.24 (Debian's /usr/bin/python3), e.g.
// np.random.RandomState(42).random_sample(3), .uniform(-0.1, 0.1, 3), .standard_normal(3).
public class NumpyRandomStateTests
{
    [Theory]
    [InlineData(0L, 0.5488135039273248, 0.7151893663724195, 0.6027633760716439)]
    [InlineData(1L, 0.417022004702574, 0.7203244934421581, 0.00011437481734488664)]
    [InlineData(42L, 0.3745401188473625, 0.9507143064099162, 0.7319939418114051)]
    [InlineData(4294967295L, 0.0976320289940138, 0.9123828453026218, 0.78903530185164)]
    public void RandomSampleEqualsNumpy(long seed, double a, double b, double c)
    {
        Assert.Equal(new[] { a, b, c }, new NumpyRandomState(seed).RandomSample(3));
    }

    [Theory]
    [InlineData(0L, 0.009762700785464956, 0.043037873274483884, 0.02055267521432877)]
    [InlineData(1L, -0.016595599059485197, 0.04406489868843161, -0.09997712503653103)]
    [InlineData(42L, -0.025091976230527502, 0.09014286128198323, 0.04639878836228101)]
    public void UniformEqualsNumpy(long seed, double a, double b, double c)
    {
        Assert.Equal(new[] { a, b, c }, new NumpyRandomState(seed).Uniform(-0.1, 0.1, 3));
        var one = new NumpyRandomState(seed);
        Assert.Equal(a, one.Uniform(-0.1, 0.1));
    }

    [Theory]
    [InlineData(0L, 1.764052345967664, 0.4001572083672233, 0.9787379841057392)]
    [InlineData(1L, 1.6243453636632417, -0.6117564136500754, -0.5281717522634557)]
    [InlineData(4294967295L, 0.6484086742306527, 0.6693235306338161, -1.0805437227474493)]
    public void StandardNormalEqualsNumpy(long seed, double a, double b, double c)
    {
        var r = new NumpyRandomState(seed);
        Assert.Equal(new[] { a, b, c }, new[] { r.StandardNormal(), r.StandardNormal(), r.StandardNormal() }, new ToleranceComparer(1e-15));
    }

    [Fact]
    public void StreamCrossesTheStateRefreshAndMixesWithGaussians()
    {
        // np.random.RandomState(7).random_sample(1000)[[623, 624, 625, 999]]
        var a = new NumpyRandomState(7).RandomSample(1000);
        Assert.Equal(new[] { 0.06993906408407957, 0.670397983148165, 0.25492041664867227, 0.016448753231374513 },
            new[] { a[623], a[624], a[625], a[999] });
        // r = RandomState(7); r.random_sample(5); r.standard_normal(5); r.random_sample(2)
        var r = new NumpyRandomState(7);
        r.RandomSample(5);
        var g = new double[5];
        for (int i = 0; i < 5; i++) g[i] = r.StandardNormal();
        Assert.Equal(new[] { 0.09316606097975175, 3.200914709117712, -0.1569886595634109, -0.2901313829291646, 2.025771524137035 },
            g, new ToleranceComparer(1e-14));
        Assert.Equal(new[] { 0.8037390361043755, 0.3809411331485384 }, r.RandomSample(2));
    }

    [Fact]
    public void SeedsOutsideNumpysRangeAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumpyRandomState(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumpyRandomState(1L << 32));
    }

    sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));
        public int GetHashCode(double obj) => 0;
    }
}
