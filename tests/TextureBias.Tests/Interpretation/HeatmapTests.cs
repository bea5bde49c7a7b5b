using TextureBias.Interpretation;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Interpretation;

public class HeatmapTests
{
    /// <summary>A small random BagNet-q in eval mode with non-trivial batch-norm statistics.</summary>
    internal static BagNet Tiny(int q, int classes = 5)
    {
        manual_seed(q);
        var model = q switch { 9 => BagNet.BagNet9(classes, width: 4), 17 => BagNet.BagNet17(classes, width: 4), _ => BagNet.BagNet33(classes, width: 4) };
        using (no_grad())
            foreach (var (name, buffer) in model.named_buffers())
                if (name.EndsWith("running_mean")) buffer.uniform_(-0.2, 0.2);
                else if (name.EndsWith("running_var")) buffer.uniform_(0.5, 1.5);
        model.eval();
        return model;
    }

    internal static double MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    /// <summary>The dense map is the official patch-by-patch definition, at odd square and non-square sizes.</summary>
    [Theory]
    [InlineData(9, 23, 23)]
    [InlineData(9, 19, 30)]
    [InlineData(17, 27, 21)]
    [InlineData(33, 25, 25)]
    [InlineData(33, 17, 35)]
    public void DenseEqualsPatchByPatch(int q, int height, int width)
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(q);
        var image = randn(3, height, width);
        var classes = new[] { 3, 0 };
        var reference = Heatmap.PatchByPatch(model, image, classes, batch: 256);
        var dense = Heatmap.Dense(model, image, classes);
        Assert.Equal(new long[] { 2, height, width }, dense.shape);
        double scale = reference.abs().max().item<float>();
        Assert.True(scale > 0.01);
        Assert.True(MaxDiff(reference, dense) < 1e-4 * Math.Max(1, scale), $"max difference {MaxDiff(reference, dense):g3} (scale {scale:g3})");
        // Tiles give the same map as one piece.
        var tiled = Heatmap.Dense(model, image, classes, tile: 8);
        Assert.True(MaxDiff(dense, tiled) < 1e-4 * Math.Max(1, scale));
    }

    /// <summary>Edge padding: still exactly the patch-by-patch map; only the border band differs from zero padding.</summary>
    [Theory]
    [InlineData(9, 21, 26)]
    [InlineData(17, 25, 19)]
    public void EdgePaddingRepeatsTheBorderAndLeavesTheInteriorAlone(int q, int height, int width)
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(q);
        var image = randn(3, height, width);
        var classes = new[] { 1, 4 };
        var reference = Heatmap.PatchByPatch(model, image, classes, batch: 256, padding: HeatmapPadding.Edge);
        var dense = Heatmap.Dense(model, image, classes, padding: HeatmapPadding.Edge);
        double scale = reference.abs().max().item<float>();
        Assert.True(MaxDiff(reference, dense) < 1e-4 * Math.Max(1, scale), $"max difference {MaxDiff(reference, dense):g3}");

        // One patch by hand: the top-left corner's patch is the image with its first row and column repeated.
        int before = (q - 1) / 2;
        var corner = nn.functional.pad(image.unsqueeze(0), new long[] { before, 0, before, 0 }, PaddingModes.Replicate).narrow(2, 0, q).narrow(3, 0, q);
        float byHand;
        using (no_grad()) byHand = model.forward(corner)[0, 1].item<float>();
        Assert.True(Math.Abs(byHand - dense[0, 0, 0].item<float>()) < 1e-4 * Math.Max(1, scale));

        var zeros = Heatmap.Dense(model, image, classes);
        var interior = (Tensor t) => t.narrow(1, before, height - q + 1).narrow(2, before, width - q + 1);
        Assert.True(MaxDiff(interior(zeros), interior(dense)) < 1e-4 * Math.Max(1, scale));
        Assert.True(MaxDiff(zeros, dense) > 1e-3 * scale, "the border band must differ");
    }

    [Theory]
    [InlineData(9)]
    [InlineData(33)]
    public void CoarseMapIsThePatchLogitMap(int q)
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(q);
        var image = randn(3, 57, 49);
        using var noGrad = no_grad();
        var patches = model.PatchLogits(image.unsqueeze(0))[0];
        var coarse = Heatmap.Coarse(model, image, new[] { 4, 1 });
        Assert.Equal(new long[] { 2, (57 - q) / 8 + 1, (49 - q) / 8 + 1 }, coarse.shape);
        Assert.True(MaxDiff(coarse[0], patches[4]) == 0);
        Assert.True(MaxDiff(coarse[1], patches[1]) == 0);
        // The coarse cell (i,j) is the dense value at the centre of that patch.
        var dense = Heatmap.Dense(model, image, new[] { 4 });
        int c = (q - 1) / 2;
        double centre = dense[0, 8 + c, 16 + c].item<float>(), cell = coarse[0, 1, 2].item<float>();
        Assert.True(Math.Abs(centre - cell) < 1e-4 * Math.Max(1, Math.Abs(cell)), $"dense {centre} vs coarse {cell}");
    }

    [Fact]
    public void WrongClassIsAClearError()
    {
        using var model = Tiny(9);
        using var image = randn(3, 20, 20);
        var e = Assert.Throws<TextureBiasException>(() => Heatmap.Dense(model, image, new[] { 7 }));
        Assert.Contains("class 7", e.Message);
    }
}
