using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>MultiScaleRoIAlign: torchvision's scales, the FPN level heuristic, and per-level RoIAlign in the RoIs' order.</summary>
public class MultiScaleRoiAlignTests
{
    private static List<Tensor> Pyramid(long n, long channels, long h, long w, int seed)
    {
        var g = new Generator((ulong)seed);
        return Enumerable.Range(0, 4).Select(l => torch.randn(new[] { n, channels, h >> l, w >> l }, generator: g)).ToList();
    }

    [Fact]
    public void ScalesAreTheHeightRatioRoundedToAPowerOfTwo()
    {
        using var scope = torch.NewDisposeScope();
        var features = Pyramid(2, 1, 16, 20, 1);
        var (scales, kMin, kMax) = MultiScaleRoiAlign.InferScales(features, new[] { (64, 80), (60, 72) });
        Assert.Equal(new[] { 0.25, 0.125, 0.0625, 0.03125 }, scales);
        Assert.Equal(2, kMin);
        Assert.Equal(5, kMax);
        // 16 / 50 = 0.32: log2 = −1.64 rounds to −2 (torchvision looks at heights only).
        var (rounded, _, _) = MultiScaleRoiAlign.InferScales(features, new[] { (50, 1000) });
        Assert.Equal(0.25, rounded[0]);
        // 16 / 40 = 0.4: log2 = −1.32 rounds to −1.
        var (up, min, _) = MultiScaleRoiAlign.InferScales(features, new[] { (40, 40) });
        Assert.Equal(0.5, up[0]);
        Assert.Equal(1, min);
    }

    [Fact]
    public void LevelsFollowTheFpnHeuristic()
    {
        using var scope = torch.NewDisposeScope();
        // floor(4 + log2(√(w·h) / 224) + 1e-6), clamped to [2, 5], minus 2.
        var sides = new (float W, float H)[]
        {
            (224, 224), // 4 → 2
            (112, 112), // 3 → 1
            (448, 448), // 5 → 3
            (56, 56),   // 2 → 0
            (16, 16),   // 0.19 → clamped to 2 → 0
            (1000, 900), // 6.06 → clamped to 5 → 3
            (223, 223), // 3.99 → 1
            (112, 448), // √ = 224 → 2
            (111.9f, 112), // just below 112 → level 2 → 0
        };
        var expected = new long[] { 2, 1, 3, 0, 0, 3, 1, 2, 0 };
        var boxes = torch.tensor(sides.SelectMany(s => new[] { 10f, 20f, 10f + s.W, 20f + s.H }).ToArray()).view(-1, 4);
        // split over two images: the levels come back concatenated in order
        var levels = MultiScaleRoiAlign.MapLevels(new[] { boxes.narrow(0, 0, 4), boxes.narrow(0, 4, 5) }, 2, 5);
        Assert.Equal(ScalarType.Int64, levels.dtype);
        Assert.Equal(expected, levels.data<long>().ToArray());
    }

    [Fact]
    public void PoolsEachRoiFromItsLevelInTheRoisOrder()
    {
        using var scope = torch.NewDisposeScope();
        var features = Pyramid(2, 3, 64, 48, 2); // images 256×192: scales 1/4 .. 1/32
        var sizes = new[] { (256, 192), (240, 180) };
        // boxes of known levels (index), mixed in order, in two images
        var image0 = new (float[] Box, int Level)[]
        {
            (new[] { 10f, 10f, 200f, 250f }, 1),  // √(190·240) = 213.5: level 3
            (new[] { 5f, 7f, 30f, 40f }, 0),     // 28.7: level 1, clamped to 2
            (new[] { 0f, 0f, 240f, 256f }, 2),   // √ = 247.9: level 4 (beyond the image's right edge)
            (new[] { 50f, 60f, 170f, 180f }, 1),  // 120: level 3
        };
        var image1 = new (float[] Box, int Level)[]
        {
            (new[] { 20f, 30f, 60f, 70f }, 0),
            (new[] { 0f, 0f, 230f, 240f }, 2),   // 234.9: level 4
            (new[] { 3f, 4f, 123f, 110f }, 1),   // 112.8: level 3
        };
        // The level of each box by the heuristic, in doubles, agrees with the table.
        foreach (var (box, level) in image0.Concat(image1))
        {
            double s = Math.Sqrt((box[2] - box[0]) * (box[3] - box[1]));
            int expected = Math.Clamp((int)Math.Floor(4 + Math.Log2(s / 224) + 1e-6), 2, 5) - 2;
            Assert.True(expected == level, $"box {string.Join(",", box)}: level {expected}");
        }
        var boxes = new[]
        {
            torch.tensor(image0.SelectMany(b => b.Box).ToArray()).view(-1, 4),
            torch.tensor(image1.SelectMany(b => b.Box).ToArray()).view(-1, 4),
        };
        var levels = MultiScaleRoiAlign.MapLevels(boxes, 2, 5).data<long>().ToArray();
        Assert.Equal(image0.Concat(image1).Select(b => (long)b.Level).ToArray(), levels);
        var pooled = new MultiScaleRoiAlign(7, 2).Forward(features, boxes, sizes);
        Assert.Equal(new long[] { 7, 3, 7, 7 }, pooled.shape);
        int row = 0;
        for (int image = 0; image < 2; image++)
            foreach (var (box, _) in image == 0 ? image0 : image1)
            {
                int level = (int)levels[row];
                double scale = 0.25 / (1 << level);
                var roi = torch.tensor(new[] { image, box[0], box[1], box[2], box[3] }).view(1, 5);
                var expected = RoiAlign.Apply(features[level], roi, (7, 7), scale, 2);
                double diff = (expected - pooled.narrow(0, row, 1)).abs().max().item<float>();
                Assert.True(diff < 1e-6, $"RoI {row} (level {level}): difference {diff}");
                row++;
            }
        Assert.Contains(0L, levels);
        Assert.Contains(1L, levels);
        Assert.Contains(2L, levels);
    }
}
