using System.Diagnostics;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Interpretation;

/// <summary>Times the dense heatmap against the official patch-by-patch algorithm on random weights.</summary>
public static class HeatmapBenchmark
{
    /// <summary>
    /// Times one dense map of a random <paramref name="size"/>² image, and the patch-by-patch
    /// method on its first <paramref name="patches"/> patches (in chunks of 1000, as the
    /// reference), extrapolated to the whole map.
    /// </summary>
    public static HeatmapBenchmarkResult Run(string arch, int size = 224, long patches = 2000)
    {
        if (Architectures.Create(arch) is not BagNet model) throw new TextureBiasException($"{arch} is not a BagNet (bagnet9, bagnet17, bagnet33)");
        using (model)
        {
            if (size < model.ReceptiveField) throw new TextureBiasException($"{arch} needs images of at least {model.ReceptiveField} pixels");
            model.eval();
            using var scope = NewDisposeScope();
            manual_seed(0);
            var image = randn(3, size, size);
            var classes = new[] { 0 };
            var sw = Stopwatch.StartNew();
            var dense = Heatmap.Dense(model, image, classes);
            double denseSeconds = sw.Elapsed.TotalSeconds;

            long total = (long)size * size;
            long measured = Math.Clamp(patches, 1, total);
            Heatmap.PatchByPatch(model, image, classes, batch: 1000, maxPatches: Math.Min(measured, 50)); // warm-up
            sw.Restart();
            var reference = Heatmap.PatchByPatch(model, image, classes, batch: 1000, maxPatches: measured);
            double patchSeconds = sw.Elapsed.TotalSeconds * total / measured;
            double diff = (reference.view(-1).narrow(0, 0, measured) - dense.view(-1).narrow(0, 0, measured)).abs().max().item<float>();
            return new HeatmapBenchmarkResult(arch, size, model.ReceptiveField, get_num_threads(), denseSeconds, patchSeconds,
                measured < total, measured, total, patchSeconds / denseSeconds, diff);
        }
    }
}
