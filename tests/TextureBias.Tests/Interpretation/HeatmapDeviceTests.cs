using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Interpretation;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Interpretation;

/// <summary>
/// Heatmaps keep their tensors on the network's device (README "GPUs"; the pattern of
/// <see cref="Models.MetaDeviceTests"/>): they run on the CPU while meta is LibTorch's default
/// device, so a tensor made without naming a device lands on meta and the first operation mixing
/// it with the network's CPU tensors fails, as it would against CUDA tensors. The dense map is
/// run both with the CPU's tuning and on the path other devices take (no allocator-sized groups,
/// default layout, the device's own matrix product): both are the official patch-by-patch map.
/// </summary>
[Collection(nameof(DefaultDeviceCollection))]
public class HeatmapDeviceTests : TempDirTest
{
    private static BagNet Tiny(int q) => HeatmapTests.Tiny(q, 6);

    private static double MaxDiff(Tensor a, Tensor b) => HeatmapTests.MaxDiff(a, b);

    [Theory]
    [InlineData(9, 27, 21)]
    [InlineData(33, 35, 41)]
    public void A_dense_heatmap_tile_runs_without_a_CPU_tensor_made_or_read_mid_computation_tuned_or_not(int q, int height, int width)
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(q);
        var image = randn(new long[] { 3, height, width }, device: Devices.Cpu);
        var classes = new[] { 5, 0, 2 };
        Tensor tuned, plain, plainTiles, coarse, reference;
        using (new DefaultDeviceMeta())
        {
            // 16-pixel tiles: several tiles, each through the stride-8 space-to-batch (1 → 4 → 16 → 64 maps).
            tuned = Heatmap.Dense(model, image, classes, tile: 16, device: Devices.Cpu);
            plain = Heatmap.Dense(model, image, classes, 224, HeatmapPadding.Zeros, cpuTuning: false); // the whole image as one tile, as on CUDA by default
            plainTiles = Heatmap.Dense(model, image, classes, 16, HeatmapPadding.Edge, cpuTuning: false);
            coarse = Heatmap.Coarse(model, image, classes, Devices.Cpu);
            reference = Heatmap.PatchByPatch(model, image, classes, batch: 128, device: Devices.Cpu);
        }
        foreach (var t in new[] { tuned, plain, plainTiles, coarse, reference })
            Assert.Equal(DeviceType.CPU, t.device_type);
        Assert.Equal(new long[] { 3, height, width }, tuned.shape);
        double scale = reference.abs().max().item<float>();
        Assert.True(scale > 0.01);
        Assert.True(MaxDiff(reference, tuned) < 1e-4 * Math.Max(1, scale), $"tuned: {MaxDiff(reference, tuned):g3}");
        Assert.True(MaxDiff(reference, plain) < 1e-4 * Math.Max(1, scale), $"untuned: {MaxDiff(reference, plain):g3}");
        var edge = Heatmap.Dense(model, image, classes, tile: 24, padding: HeatmapPadding.Edge); // patch by patch in HeatmapTests
        Assert.True(MaxDiff(edge, plainTiles) < 1e-4 * Math.Max(1, scale), $"untuned tiles: {MaxDiff(edge, plainTiles):g3}");
        // The coarse cell (i,j) is the dense value at the centre of patch (8i, 8j).
        int c = (q - 1) / 2;
        Assert.True(Math.Abs(coarse[1, 0, 1].item<float>() - plain[1, c, 8 + c].item<float>()) < 1e-4 * Math.Max(1, scale));
        // The CPU path is the one the CPU always took: the same values as without a device.
        Assert.True(MaxDiff(tuned, Heatmap.Dense(model, image, classes, tile: 16)) == 0);
    }

    [Fact]
    public void Class_evidence_and_the_patch_search_run_without_a_CPU_tensor_made_or_read_mid_computation()
    {
        using var model = Tiny(9);
        var picture = new RgbImage(26, 22, Enumerable.Range(0, 26 * 22 * 3).Select(i => (byte)(i * 37 % 251)).ToArray());
        var pre = new Preprocessing(0, 0);
        var files = new List<string>();
        foreach (var folder in new[] { "1", "4" })
            for (int i = 0; i < 2; i++)
            {
                var px = new byte[24 * 20 * 3];
                new Random(i + 10 * folder[0]).NextBytes(px);
                var path = Path.Combine(_dir, folder, $"{i}.png");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                TestImages.WritePng(path, new RgbImage(24, 20, px));
                files.Add(path);
            }
        ClassEvidence dense, coarse;
        InformativePatchesResult found;
        using (new DefaultDeviceMeta())
        {
            dense = ClassEvidence.Compute(model, picture, pre, new[] { 3, 1 }, stride: 1, tile: 16, device: Devices.Cpu);
            coarse = ClassEvidence.Compute(model, picture, pre, null, stride: 8, device: Devices.Cpu);
            found = InformativePatches.Find(model, files, new[] { 1, 4 }, 3, pre, batchSize: 3, device: Devices.Cpu);
        }
        using (dense)
        using (coarse)
        {
            Assert.Equal(DeviceType.CPU, dense.Maps.device_type);
            Assert.Equal(new long[] { 2, 22, 26 }, dense.Maps.shape);
            using var input = pre.Apply(picture);
            using var expected = Heatmap.Dense(model, input, new[] { 3, 1 });
            // Tiles of 16 and 224 pixels batch the offset maps differently, and oneDNN's kernels
            // may round differently for other batch shapes: equal to float32 rounding.
            double worst = MaxDiff(expected, dense.Maps);
            Assert.True(worst < 1e-4, $"max |difference| {worst:g3}");
            Assert.Equal(Array.IndexOf(coarse.Logits, coarse.Logits.Max()), Assert.Single(coarse.Classes));
        }
        var again = InformativePatches.Find(model, files, new[] { 1, 4 }, 3, pre, batchSize: 3);
        Assert.Equal(4, found.Images);
        foreach (var c in new[] { 1, 4 })
        {
            Assert.Equal(3, found.FromAllImages[c].Count);
            Assert.Equal(again.FromAllImages[c], found.FromAllImages[c]);
            Assert.Equal(again.FromClassImages[c], found.FromClassImages[c]);
        }
    }

    [Fact]
    public void The_benchmarks_say_where_they_ran()
    {
        var forward = TextureBias.Evaluation.ForwardBenchmark.Run("bagnet9", batch: 1, size: 16, runs: 1, warmup: 0, device: Devices.Cpu);
        Assert.Equal("cpu", forward.Device);
        Assert.True(forward.ImagesPerS > 0);
        var heatmap = HeatmapBenchmark.Run("bagnet9", size: 12, patches: 5, device: Devices.Cpu);
        Assert.Equal("cpu", heatmap.Device);
        Assert.True(heatmap.MaxAbsDifference < 1e-3, $"dense and patch-by-patch differ by {heatmap.MaxAbsDifference}");
    }
}
