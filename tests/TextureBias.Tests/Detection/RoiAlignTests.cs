using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>RoIAlign equals bilinear sampling written out from torchvision's algorithm.</summary>
public class RoiAlignTests
{
    /// <summary>torchvision's bilinear_interpolate of one sampling point (CPU kernel rules).</summary>
    private static double Bilinear(float[] f, int c, int h, int w, int channel, int batch, int channels, double y, double x)
    {
        if (y < -1.0 || y > h || x < -1.0 || x > w) return 0;
        if (y <= 0) y = 0;
        if (x <= 0) x = 0;
        int yLow = (int)y, xLow = (int)x, yHigh, xHigh;
        if (yLow >= h - 1) { yHigh = yLow = h - 1; y = yLow; } else yHigh = yLow + 1;
        if (xLow >= w - 1) { xHigh = xLow = w - 1; x = xLow; } else xHigh = xLow + 1;
        double ly = y - yLow, lx = x - xLow, hy = 1 - ly, hx = 1 - lx;
        float V(int yy, int xx) => f[((batch * channels + channel) * h + yy) * w + xx];
        return hy * hx * V(yLow, xLow) + hy * lx * V(yLow, xHigh) + ly * hx * V(yHigh, xLow) + ly * lx * V(yHigh, xHigh);
    }

    /// <summary>roi_align_forward written as loops, straight from the algorithm.</summary>
    private static double[] Reference(float[] f, int n, int c, int h, int w, float[] rois, int ph, int pw, double scale, int ratio, bool aligned)
    {
        int k = rois.Length / 5;
        var output = new double[k * c * ph * pw];
        double offset = aligned ? 0.5 : 0;
        for (int r = 0; r < k; r++)
        {
            int b = (int)rois[5 * r];
            double sw = rois[5 * r + 1] * scale - offset, sh = rois[5 * r + 2] * scale - offset;
            double ew = rois[5 * r + 3] * scale - offset, eh = rois[5 * r + 4] * scale - offset;
            double rw = ew - sw, rh = eh - sh;
            if (!aligned) { rw = Math.Max(rw, 1); rh = Math.Max(rh, 1); }
            double bh = rh / ph, bw = rw / pw;
            int gh = ratio > 0 ? ratio : (int)Math.Ceiling(rh / ph), gw = ratio > 0 ? ratio : (int)Math.Ceiling(rw / pw);
            double count = Math.Max(gh * gw, 1);
            for (int ch = 0; ch < c; ch++)
                for (int py = 0; py < ph; py++)
                    for (int px = 0; px < pw; px++)
                    {
                        double sum = 0;
                        for (int iy = 0; iy < gh; iy++)
                        {
                            double y = sh + py * bh + (iy + 0.5) * bh / gh;
                            for (int ix = 0; ix < gw; ix++)
                            {
                                double x = sw + px * bw + (ix + 0.5) * bw / gw;
                                sum += Bilinear(f, c, h, w, ch, b, c, y, x);
                            }
                        }
                        output[((r * c + ch) * ph + py) * pw + px] = sum / count;
                    }
        }
        return output;
    }

    private static void AssertClose(double[] expected, Tensor actual, double tol = 1e-5)
    {
        var got = actual.contiguous().data<float>().ToArray();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(got[i] - expected[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: {got[i]} vs {expected[i]}");
    }

    [Fact]
    public void SingleSampleByHand()
    {
        using var scope = torch.NewDisposeScope();
        // A 3×4 map with value 10·row + column: bilinear interpolation is exact for this affine map.
        var f = torch.tensor(Enumerable.Range(0, 12).Select(i => (float)(10 * (i / 4) + i % 4)).ToArray(), new long[] { 1, 1, 3, 4 });
        // One bin, sampling ratio 1: the single sample is at the RoI's centre (x 1.5, y 0.75) → 7.5 + 1.5 = 9.
        var rois = torch.tensor(new float[] { 0, 1, 0.25f, 2, 1.25f }, new long[] { 1, 5 });
        Assert.Equal(9.0, RoiAlign.Apply(f, rois, (1, 1), 1.0, samplingRatio: 1).item<float>(), 5);
        // Sampling ratio 2 on a 2×2 RoI [0,2]×[0,2]: samples at 0.5 and 1.5 → mean of 10y + x = 11.
        var square = torch.tensor(new float[] { 0, 0, 0, 2, 2 }, new long[] { 1, 5 });
        Assert.Equal(11.0, RoiAlign.Apply(f, square, (1, 1), 1.0).item<float>(), 5);
        // A sample beyond the last row (y in (H−1, H]) reads the last row: y 2.75 → row 2 (value 20 + x).
        var low = torch.tensor(new float[] { 0, 0, 2.25f, 1, 2.75f }, new long[] { 1, 5 }); // width 1, height clamped to 1
        Assert.Equal(20 + 0.5, RoiAlign.Apply(f, low, (1, 1), 1.0, samplingRatio: 1).item<float>(), 5);
        // A sample below y = −1 contributes 0 (but still counts in the average).
        var outside = torch.tensor(new float[] { 0, 0, -3, 1, -2 }, new long[] { 1, 5 });
        Assert.Equal(0.0, RoiAlign.Apply(f, outside, (1, 1), 1.0, samplingRatio: 1).item<float>(), 6);
    }

    [Theory]
    [InlineData(1, 2, 1.0, false)]
    [InlineData(2, 2, 0.25, false)]
    [InlineData(3, 1, 0.5, false)]
    [InlineData(4, 0, 0.5, false)]   // adaptive grid: ⌈roi size / bins⌉ samples per axis
    [InlineData(5, 2, 0.5, true)]
    public void EqualsReferenceOnRandomInputs(int seed, int ratio, double scale, bool aligned)
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random(seed);
        int n = 2, c = 3, h = 7, w = 9, ph = 3, pw = 2;
        var f = Enumerable.Range(0, n * c * h * w).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var rois = new List<float>();
        void Add(int b, double x1, double y1, double x2, double y2) => rois.AddRange(new[] { b, (float)x1, (float)y1, (float)x2, (float)y2 });
        Add(0, 0, 0, w / scale, h / scale);                          // the whole map
        Add(1, -3 / scale, -2 / scale, 2 / scale, 3 / scale);        // partly outside (top-left)
        Add(0, (w - 2) / scale, (h - 1.5) / scale, (w + 4) / scale, (h + 3) / scale); // partly outside (bottom-right)
        Add(1, 2 / scale, 3 / scale, 3 / scale, 4 / scale);          // 1×1 on the map
        Add(0, 4.3 / scale, 1.2 / scale, 4.3 / scale, 1.2 / scale);  // degenerate: width and height 0 (→ 1)
        for (int i = 0; i < 20; i++)
        {
            double x1 = (rng.NextDouble() * (w + 4) - 2) / scale, y1 = (rng.NextDouble() * (h + 4) - 2) / scale;
            Add(rng.Next(n), x1, y1, x1 + rng.NextDouble() * w / scale, y1 + rng.NextDouble() * h / scale);
        }
        var r = rois.ToArray();
        var got = RoiAlign.Apply(torch.tensor(f, new long[] { n, c, h, w }), torch.tensor(r, new long[] { r.Length / 5, 5 }), (ph, pw), scale, ratio, aligned);
        Assert.Equal(new long[] { r.Length / 5, c, ph, pw }, got.shape);
        AssertClose(Reference(f, n, c, h, w, r, ph, pw, scale, ratio, aligned), got);
    }

    [Fact]
    public void ManyRoisInSeveralChunksEqualSmallCalls()
    {
        using var scope = torch.NewDisposeScope();
        var g = new Generator(5);
        var f = torch.randn(new long[] { 2, 64, 6, 7 }, generator: g);
        long k = 400; // 7×7 bins × 16 neighbours × 64 channels per RoI: more than one chunk
        var xy = torch.rand(new[] { k, 2L }, generator: g) * 8 - 1;
        var wh = torch.rand(new[] { k, 2L }, generator: g) * 6;
        var batch = torch.randint(0, 2, new[] { k, 1L }, generator: g).to_type(ScalarType.Float32);
        var rois = torch.cat(new[] { batch, xy, xy + wh }, 1);
        var all = RoiAlign.Apply(f, rois, (7, 7), 1.0);
        var parts = Enumerable.Range(0, 8).Select(i => RoiAlign.Apply(f, rois.narrow(0, i * 50, 50), (7, 7), 1.0)).ToArray();
        Assert.Equal(0f, (all - torch.cat(parts, 0)).abs().max().item<float>(), 5);
        Assert.True(all.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void PerImageBoxListEqualsRois()
    {
        using var scope = torch.NewDisposeScope();
        var f = torch.randn(2, 2, 5, 6, generator: new Generator(3));
        var b0 = torch.tensor(new float[] { 0, 0, 3, 3, 1, 1, 5, 4 }, new long[] { 2, 4 });
        var b1 = torch.tensor(new float[] { 2, 1, 4, 4 }, new long[] { 1, 4 });
        var rois = torch.tensor(new float[] { 0, 0, 0, 3, 3, 0, 1, 1, 5, 4, 1, 2, 1, 4, 4 }, new long[] { 3, 5 });
        var a = RoiAlign.Apply(f, new[] { b0, b1 }, (2, 2), 1.0);
        var b = RoiAlign.Apply(f, rois, (2, 2), 1.0);
        Assert.Equal(0f, (a - b).abs().max().item<float>());
        Assert.True(b.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void GradientFlowsToTheSampledFeatures()
    {
        using var scope = torch.NewDisposeScope();
        var f = torch.zeros(new long[] { 1, 1, 4, 4 }, requires_grad: true);
        // One sample at (x 1.25, y 2.5): weights 0.375 on (2,1), 0.125 on (2,2), 0.375 on (3,1), 0.125 on (3,2).
        var rois = torch.tensor(new float[] { 0, 0.75f, 2, 1.75f, 3 }, new long[] { 1, 5 });
        RoiAlign.Apply(f, rois, (1, 1), 1.0, samplingRatio: 1).sum().backward();
        var g = f.grad!.data<float>().ToArray();
        var expected = new float[16];
        expected[2 * 4 + 1] = 0.375f; expected[2 * 4 + 2] = 0.125f; expected[3 * 4 + 1] = 0.375f; expected[3 * 4 + 2] = 0.125f;
        for (int i = 0; i < 16; i++) Assert.Equal(expected[i], g[i], 6);
    }

    [Fact]
    public void EmptyAndBadInput()
    {
        using var scope = torch.NewDisposeScope();
        var f = torch.zeros(1, 3, 4, 4);
        Assert.Equal(new long[] { 0, 3, 7, 7 }, RoiAlign.Apply(f, torch.zeros(0, 5), (7, 7), 1.0).shape);
        Assert.Throws<ArgumentException>(() => RoiAlign.Apply(f, torch.zeros(2, 4), (7, 7), 1.0));
        Assert.Throws<ArgumentException>(() => RoiAlign.Apply(f, torch.tensor(new float[] { 1, 0, 0, 1, 1 }, new long[] { 1, 5 }), (7, 7), 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RoiAlign.Apply(f, torch.zeros(1, 5), (0, 7), 1.0));
    }
}
