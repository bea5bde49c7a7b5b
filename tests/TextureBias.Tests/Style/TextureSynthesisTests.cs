using TextureBias.Imaging;
using TextureBias.Style;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Style;

public class TextureSynthesisTests
{
    private static VggEncoder Encoder() => ScaledVgg.Create();

    private static RgbImage Stripes(int size, int period, int shift, bool vertical)
    {
        var px = new byte[size * size * 3];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int u = ((vertical ? x : y) + shift) % period;
                byte v = (byte)(u < period / 2 ? 230 : 30);
                px[(y * size + x) * 3] = v;
                px[(y * size + x) * 3 + 1] = (byte)(255 - v);
                px[(y * size + x) * 3 + 2] = 90;
            }
        return new RgbImage(size, size, px);
    }

    [Fact]
    public void GramMatrixOfAConstructedFeatureMap()
    {
        // Two channels over two positions: (1, 2) and (3, 4); G = F·Fᵀ / 2.
        using var f = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 1, 2, 1, 2 });
        using var g = GramMatrix.Of(f);
        Assert.Equal(new long[] { 1, 2, 2 }, g.shape);
        Assert.Equal(new[] { 2.5f, 5.5f, 5.5f, 12.5f }, g.data<float>().ToArray());
    }

    [Fact]
    public void TheLossOfAnImageAgainstItselfIsZeroAndAgainstAnotherIsNot()
    {
        using var encoder = Encoder();
        var layers = TextureSynthesis.LayerIndices(TextureSynthesisOptions.DefaultLayers);
        using var a = Stripes(32, 8, 0, vertical: true).ToTensor().unsqueeze(0);
        using var b = Stripes(32, 8, 0, vertical: false).ToTensor().unsqueeze(0);
        var grams = TextureSynthesis.Grams(encoder, a, layers);
        using var self = TextureSynthesis.Loss(encoder, a, grams, layers);
        using var other = TextureSynthesis.Loss(encoder, b, grams, layers);
        Assert.Equal(0f, self.item<float>());
        Assert.True(other.item<float>() > 0);
        foreach (var g in grams) g.Dispose();
    }

    [Fact]
    public void TexturisingIgnoresTheArrangement()
    {
        // A shifted copy of a stripe image is (nearly) as good a target as the image itself; turned stripes are not.
        // (The early layers see the image at full resolution; deep ones at 64 px are mostly border.)
        using var encoder = Encoder();
        var layers = TextureSynthesis.LayerIndices(new[] { "relu1_1", "relu2_1", "relu3_1" });
        // The shift is a multiple of 4 so that the max-pools before relu3_1 see the same phase.
        using var image = Stripes(64, 16, 0, vertical: true).ToTensor().unsqueeze(0);
        using var shifted = Stripes(64, 16, 4, vertical: true).ToTensor().unsqueeze(0);
        using var turned = Stripes(64, 16, 0, vertical: false).ToTensor().unsqueeze(0);
        var target = TextureSynthesis.Grams(encoder, image, layers);
        double toShifted = TextureSynthesis.Loss(encoder, shifted, target, layers).item<float>();
        double toTurned = TextureSynthesis.Loss(encoder, turned, target, layers).item<float>();
        Assert.True(toShifted < 0.1 * toTurned, $"shifted {toShifted:g3} vs turned {toTurned:g3}");
        // The pixels themselves differ a lot: the loss does not look at where things are.
        Assert.True((image - shifted).abs().mean().item<float>() > 0.2f);
    }

    [Fact]
    public void SynthesisLowersTheLossAndFollowsTheSeed()
    {
        using var encoder = Encoder();
        var source = Stripes(32, 8, 0, vertical: true);
        var options = new TextureSynthesisOptions { Size = 32, Iterations = 12, Layers = new[] { "relu1_1", "relu2_1", "relu3_1" } };
        var losses = new List<double>();
        var result = TextureSynthesis.Synthesize(encoder, source, options, (i, loss) => losses.Add(loss));
        Assert.True(losses.Count >= 12);
        Assert.True(losses[^1] < 0.5 * losses[0], $"loss {losses[0]:g3} → {losses[^1]:g3}");
        Assert.Equal((32, 32), (result.Width, result.Height));
        Assert.Equal(result.Pixels, TextureSynthesis.Synthesize(encoder, source, options).Pixels);
        Assert.NotEqual(result.Pixels, TextureSynthesis.Synthesize(encoder, source, options with { Seed = 1 }).Pixels);
        Assert.Throws<TextureBiasException>(() => TextureSynthesis.LayerIndices(new[] { "relu9_1" }));
    }

    [Fact]
    public void LbfgsFindsTheMinimumOfAQuadratic()
    {
        using var target = tensor(new float[] { 3, -2, 0.5f, 7 });
        using var scales = tensor(new float[] { 1, 10, 0.1f, 4 });
        using var x = zeros(4).requires_grad_();
        using var lbfgs = new Lbfgs(x);
        for (int i = 0; i < 3; i++)
            lbfgs.Step(() =>
            {
                using var scope = NewDisposeScope();
                x.grad?.zero_();
                var loss = ((x - target).pow(2) * scales).sum();
                loss.backward();
                return loss.item<float>();
            });
        Assert.True((x - target).abs().max().item<float>() < 1e-3f, string.Join(",", x.data<float>().ToArray()));
    }

    [Fact]
    public void IterativeStyleTransferKeepsTheContentsSizeAndLowersTheLoss()
    {
        using var encoder = Encoder();
        var content = Stripes(40, 10, 0, vertical: true);
        var style = new RgbImage(24, 24, Enumerable.Range(0, 24 * 24 * 3).Select(i => (byte)(i * 37 % 251)).ToArray());
        var losses = new List<double>();
        var result = IterativeStyleTransfer.Transfer(encoder, content, style, new IterativeStyleOptions { Size = 0, Iterations = 8 }, (i, l) => losses.Add(l));
        Assert.Equal((40, 40), (result.Width, result.Height));
        Assert.True(losses[^1] < losses[0]);
    }
}
