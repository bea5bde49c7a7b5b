using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>
/// The eval-mode classifier layer sums each output's products in input order in float32, as the
/// reference BLAS does: bit for bit the plain sequential loop, whatever the shape.
/// </summary>
public class OrderedLinearTests
{
    [Theory]
    [InlineData(1, 5, 1)]
    [InlineData(3, 17, 7)]
    [InlineData(8, 2048, 1000)]
    [InlineData(13, 64, 9)]
    [InlineData(5, 300, 16)]
    [InlineData(80, 131072, 3)] // rows in two chunks of panels
    public void EqualsTheSequentialSumBitForBit(int n, int k, int m)
    {
        var g = new Generator((ulong)(n * 1000003 + k * 101 + m));
        using var x = randn(new long[] { n, k }, generator: g);
        using var w = randn(new long[] { m, k }, generator: g).mul(0.05.ToScalar());
        using var b = randn(new long[] { m }, generator: g);
        using var y = EvalFusion.OrderedLinear(x, w, b);
        var xs = x.data<float>().ToArray();
        var ws = w.data<float>().ToArray();
        var bs = b.data<float>().ToArray();
        var ys = y.data<float>().ToArray();
        Assert.Equal(new long[] { n, m }, y.shape);
        for (int row = 0; row < n; row++)
            for (int o = 0; o < m; o++)
            {
                float s = 0;
                for (int l = 0; l < k; l++) s += xs[row * k + l] * ws[o * k + l];
                float expected = s + bs[o];
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(ys[row * m + o]),
                    $"output [{row},{o}]: {ys[row * m + o]:R}, the sequential sum {expected:R}");
            }
    }

    [Fact]
    public void WithoutBiasTheSumsStandAlone()
    {
        var g = new Generator(5);
        using var x = randn(new long[] { 6, 33 }, generator: g);
        using var w = randn(new long[] { 11, 33 }, generator: g);
        using var y = EvalFusion.OrderedLinear(x, w, null);
        using var reference = x.to(ScalarType.Float64).matmul(w.to(ScalarType.Float64).t());
        Assert.True(allclose(y.to(ScalarType.Float64), reference, rtol: 1e-5, atol: 1e-5));
    }
}
