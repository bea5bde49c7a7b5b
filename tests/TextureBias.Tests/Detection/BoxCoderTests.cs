using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>The box coder inverts itself and decodes as torchvision's formula says.</summary>
public class BoxCoderTests
{
    private static Tensor RandomBoxes(Generator g, long n)
    {
        var xy = torch.rand(new[] { n, 2L }, generator: g) * 100;
        var wh = torch.rand(new[] { n, 2L }, generator: g) * 50 + 1;
        return torch.cat(new[] { xy, xy + wh }, 1);
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(10, 10, 5, 5)]
    public void EncodeThenDecodeReturnsTheBoxes(double wx, double wy, double ww, double wh)
    {
        using var scope = torch.NewDisposeScope();
        var g = new Generator(7);
        var coder = new BoxCoder(wx, wy, ww, wh);
        var proposals = RandomBoxes(g, 50);
        var targets = RandomBoxes(g, 50);
        var deltas = coder.Encode(targets, proposals);
        Assert.Equal(new long[] { 50, 4 }, deltas.shape);
        var decoded = coder.Decode(deltas, new[] { proposals });
        Assert.Equal(new long[] { 50, 1, 4 }, decoded.shape);
        var err = (decoded.squeeze(1) - targets).abs().max().item<float>();
        Assert.True(err < 1e-4f * 150, $"round trip error {err}");
        var rel = ((decoded.squeeze(1) - targets).abs() / (targets.abs() + 1)).max().item<float>();
        Assert.True(rel < 1e-5f, $"relative round trip error {rel}");
    }

    [Fact]
    public void DecodeMatchesHandComputation()
    {
        using var scope = torch.NewDisposeScope();
        var coder = new BoxCoder(10, 10, 5, 5);
        var anchors = torch.tensor(new float[] { 10, 20, 50, 40, 0, 0, 4, 8 }, new long[] { 2, 4 });
        // Two classes per box (deltas [N, 8]); the last one has a huge dh, clamped to log(1000/16).
        var deltas = torch.tensor(new float[] { 1, -2, 0.5f, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3, 4, -1, 100 }, new long[] { 2, 8 });
        var got = coder.DecodeSingle(deltas, anchors).data<float>().ToArray();
        double[] Expect(double x1, double y1, double x2, double y2, double dx, double dy, double dw, double dh)
        {
            double w = x2 - x1, h = y2 - y1, cx = x1 + 0.5 * w, cy = y1 + 0.5 * h;
            dx /= 10; dy /= 10; dw = Math.Min(dw / 5, Math.Log(1000.0 / 16)); dh = Math.Min(dh / 5, Math.Log(1000.0 / 16));
            double pcx = dx * w + cx, pcy = dy * h + cy, pw = Math.Exp(dw) * w, ph = Math.Exp(dh) * h;
            return new[] { pcx - pw / 2, pcy - ph / 2, pcx + pw / 2, pcy + ph / 2 };
        }
        var expected = Expect(10, 20, 50, 40, 1, -2, 0.5, 0).Concat(Expect(10, 20, 50, 40, 0, 0, 0, 0))
            .Concat(Expect(0, 0, 4, 8, 0, 0, 0, 0)).Concat(Expect(0, 0, 4, 8, -3, 4, -1, 100)).ToArray();
        // A few values by hand: box 0 class 0: centre (30+4, 30-4), width 40·e^0.1, height 20.
        Assert.Equal(34 - 20 * Math.Exp(0.1), expected[0], 9);
        Assert.Equal(16, expected[1], 9);
        Assert.Equal(8 * 1000.0 / 16 / 2 + 4 + 3.2, expected[15], 6);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"element {i}: {got[i]} vs {expected[i]}");
    }

    [Fact]
    public void EncodeMatchesHandComputation()
    {
        using var scope = torch.NewDisposeScope();
        var coder = new BoxCoder(10, 10, 5, 5);
        var proposal = torch.tensor(new float[] { 0, 0, 10, 20 }, new long[] { 1, 4 });
        var gt = torch.tensor(new float[] { 2, 4, 22, 14 }, new long[] { 1, 4 });
        var d = coder.Encode(gt, proposal).data<float>().ToArray();
        Assert.Equal(10 * (12 - 5) / 10.0, d[0], 5);
        Assert.Equal(10 * (9 - 10) / 20.0, d[1], 5);
        Assert.Equal(5 * Math.Log(20 / 10.0), d[2], 5);
        Assert.Equal(5 * Math.Log(10 / 20.0), d[3], 5);
    }

    [Fact]
    public void RejectsBadWeightsAndShapes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoxCoder(0, 1, 1, 1));
        var coder = new BoxCoder(1, 1, 1, 1);
        using var boxes = torch.zeros(3, 4);
        using var bad = torch.zeros(3, 5);
        Assert.Throws<ArgumentException>(() => coder.DecodeSingle(bad, boxes));
        Assert.Throws<ArgumentException>(() => coder.Encode(bad, boxes));
    }
}
