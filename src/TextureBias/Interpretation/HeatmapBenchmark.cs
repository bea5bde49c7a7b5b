using System.Diagnostics;
using TextureBias.Evaluation;
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
    /// reference), extrapolated to the whole map. On <paramref name="device"/> (default: the CPU);
    /// the image is drawn on the CPU (the same on every device) and copied there, and off the CPU
    /// each method is run once untimed first (CUDA's start-up) and timed up to its last kernel.
    /// </summary>
    public static HeatmapBenchmarkResult Run(string arch, int size = 224, long patches = 2000, Device? device = null)
    {
        var on = device ?? Devices.Cpu;
        if (Architectures.Create(arch) is not BagNet model) throw new TextureBiasException($"{arch} is not a BagNet (bagnet9, bagnet17, bagnet33)");
        using (model)
        {
            if (size < model.ReceptiveField) throw new TextureBiasException($"{arch} needs images of at least {model.ReceptiveField} pixels");
            Devices.MoveTo(model, on);
            model.eval();
            using var scope = NewDisposeScope();
            manual_seed(0);
            var image = Devices.Upload(randn(new long[] { 3, size, size }, device: Devices.Cpu), on);
            var classes = new[] { 0 };
            bool cpuTuning = Devices.IsCpu(on);
            if (!cpuTuning) Heatmap.Dense(model, image, classes); // warm-up: CUDA's context and kernels
            BenchmarkClock.Synchronize(on);
            var sw = Stopwatch.StartNew();
            var dense = Heatmap.Dense(model, image, classes, 224, HeatmapPadding.Zeros, cpuTuning, out long denseMacs);
            BenchmarkClock.Synchronize(on);
            double denseSeconds = sw.Elapsed.TotalSeconds;

            long total = (long)size * size;
            long measured = Math.Clamp(patches, 1, total);
            Heatmap.PatchByPatch(model, image, classes, batch: 1000, maxPatches: Math.Min(measured, 50)); // warm-up
            BenchmarkClock.Synchronize(on);
            sw.Restart();
            var reference = Heatmap.PatchByPatch(model, image, classes, batch: 1000, maxPatches: measured);
            BenchmarkClock.Synchronize(on);
            double patchSeconds = sw.Elapsed.TotalSeconds * total / measured;
            double diff = Devices.On((reference.view(-1).narrow(0, 0, measured) - dense.view(-1).narrow(0, 0, measured)).abs().max(), Devices.Cpu).item<float>();
            return new HeatmapBenchmarkResult(arch, size, model.ReceptiveField, get_num_threads(), denseSeconds, patchSeconds,
                measured < total, measured, total, patchSeconds / denseSeconds, diff)
            {
                Device = on.ToString(), DenseGmacs = Math.Round(denseMacs / 1e9, 3), Gflops = BenchmarkLine.GflopsOf(denseMacs, denseSeconds),
            };
        }
    }
}
