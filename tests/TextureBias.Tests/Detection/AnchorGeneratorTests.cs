using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>The anchor generator makes torchvision's anchors: H·W·A per level, cell anchors rounded, shifted by the strides.</summary>
public class AnchorGeneratorTests
{
    private static readonly float[] Ratios = { 0.5f, 1f, 2f };

    [Fact]
    public void CellAnchorsAreTorchvisions()
    {
        // torchvision 0.14's AnchorGenerator(((32,),(64,),(128,),(256,),(512,)), ((0.5,1.0,2.0),)*5).cell_anchors, read off by hand
        var expected = new Dictionary<int, float[]>
        {
            [32] = new float[] { -23, -11, 23, 11, -16, -16, 16, 16, -11, -23, 11, 23 },
            [64] = new float[] { -45, -23, 45, 23, -32, -32, 32, 32, -23, -45, 23, 45 },
            [128] = new float[] { -91, -45, 91, 45, -64, -64, 64, 64, -45, -91, 45, 91 },
            [256] = new float[] { -181, -91, 181, 91, -128, -128, 128, 128, -91, -181, 91, 181 },
            [512] = new float[] { -362, -181, 362, 181, -256, -256, 256, 256, -181, -362, 181, 362 },
        };
        foreach (var (size, cell) in expected)
            Assert.Equal(cell, AnchorGenerator.CellAnchors(size, Ratios));
    }

    [Fact]
    public void AnchorsPerLevelFollowTheFormula()
    {
        using var scope = torch.NewDisposeScope();
        var sizes = new[] { 8, 16, 32, 64, 128 };
        var generator = new AnchorGenerator(sizes, Ratios);
        // a batch padded to 128 × 96 with FPN levels of strides 4, 8, 16, 32 and 64 ("pool" = 2 × 2)
        var grids = new (int H, int W)[] { (32, 24), (16, 12), (8, 6), (4, 3), (2, 2) };
        var features = grids.Select(g => torch.zeros(2, 4, g.H, g.W)).ToArray();
        var images = new ImageList(torch.zeros(2, 3, 128, 96), new[] { (128, 96), (100, 70) });
        var anchors = generator.Forward(images, features);

        Assert.Equal(2, anchors.Count);
        long total = grids.Sum(g => (long)g.H * g.W * Ratios.Length);
        Assert.Equal(new[] { total, 4L }, anchors[0].shape);
        Assert.Equal(3 * (32 * 24 + 16 * 12 + 8 * 6 + 4 * 3 + 2 * 2), total);
        Assert.Equal(anchors[0].data<float>().ToArray(), anchors[1].data<float>().ToArray());

        var actual = anchors[0].data<float>().ToArray();
        long row = 0;
        for (int l = 0; l < grids.Length; l++)
        {
            int strideY = 128 / grids[l].H, strideX = 96 / grids[l].W;
            for (int y = 0; y < grids[l].H; y++)
                for (int x = 0; x < grids[l].W; x++)
                    foreach (var r in Ratios)
                    {
                        // independently: h = size·√r, w = size/√r, rounded half to even around the cell's corner
                        double halfW = Math.Round(sizes[l] / Math.Sqrt(r) / 2, MidpointRounding.ToEven);
                        double halfH = Math.Round(sizes[l] * Math.Sqrt(r) / 2, MidpointRounding.ToEven);
                        var expected = new[] { x * strideX - halfW, y * strideY - halfH, x * strideX + halfW, y * strideY + halfH };
                        for (int k = 0; k < 4; k++)
                            Assert.Equal(expected[k], actual[row * 4 + k]);
                        row++;
                    }
        }
        Assert.Equal(total, row);
    }

    [Fact]
    public void TorchvisionsDefaultsOnAnImageOf800By1216()
    {
        using var scope = torch.NewDisposeScope();
        var options = FasterRcnnOptions.Torchvision;
        var generator = new AnchorGenerator(options.AnchorSizes, options.AspectRatios);
        var grids = new (int H, int W)[] { (200, 304), (100, 152), (50, 76), (25, 38), (13, 19) };
        var features = grids.Select(g => torch.zeros(1, 1, g.H, g.W)).ToArray();
        var anchors = generator.Forward(new ImageList(torch.zeros(1, 3, 800, 1216), new[] { (800, 1200) }), features)[0];
        Assert.Equal(3L * grids.Sum(g => g.H * g.W), anchors.shape[0]);
        // the last anchor of level "0": cell (199, 303), stride 4, ratio 2 of size 32 → (1212−11, 796−23, 1212+11, 796+23)
        long lastOfLevel0 = 3L * 200 * 304 - 1;
        Assert.Equal(new float[] { 1201, 773, 1223, 819 }, anchors[lastOfLevel0].data<float>().ToArray());
        // the "pool" level's stride is 800 // 13 = 61 down and 1216 // 19 = 64 across (torchvision's integer division)
        var lastAnchor = anchors[anchors.shape[0] - 1].data<float>().ToArray();
        Assert.Equal(new float[] { 18 * 64 - 181, 12 * 61 - 362, 18 * 64 + 181, 12 * 61 + 362 }, lastAnchor);
    }
}
