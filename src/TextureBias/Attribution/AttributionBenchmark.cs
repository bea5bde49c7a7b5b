using System.Diagnostics;
using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Attribution;

/// <summary>Times the attribution methods on an architecture with random weights and random images.</summary>
public static class AttributionBenchmark
{
    /// <summary>One method's speed.</summary>
    /// <param name="Method">The method's command-line name.</param>
    /// <param name="SecondsPerImage">Median seconds per image (one class).</param>
    /// <param name="ImagesPerSecond">Its inverse.</param>
    public sealed record Entry(string Method, double SecondsPerImage, double ImagesPerSecond)
    {
        /// <summary>The network passes per image, in forward passes (a backward pass to the input counts as one); null where not counted (bagnet).</summary>
        public double? ForwardPassesPerImage { get; init; }

        /// <summary>GFLOP/s of those passes; null where not counted.</summary>
        public double? Gflops { get; init; }
    }

    /// <summary>Times each of <paramref name="methods"/> (all but bagnet when empty) on <paramref name="images"/> images of side <paramref name="size"/>, after a warm-up, on <paramref name="device"/> (null: the CPU).</summary>
    public static AttributionBenchmarkResult Run(string arch, IReadOnlyList<string> methods, int size = 224, int images = 2, int steps = 50, int batch = 16, Device? device = null)
    {
        using var model = Architectures.Create(arch);
        model.eval();
        device ??= Devices.Cpu;
        Devices.TuneFor(device, fixedSize: true);
        Devices.MoveTo(model, device);
        if (size < model.MinimumInputSize) throw new TextureBiasException($"{arch} needs images of at least {model.MinimumInputSize} pixels");
        var kinds = methods.Count == 0
            ? AttributionNames.Methods.Where(m => m.Value != AttributionMethod.BagNet || model is BagNet).Select(m => m.Key).ToList()
            : methods.ToList();
        var options = new AttributionOptions { Steps = steps, BatchSize = batch };
        manual_seed(0);
        using var cpuInput = randn(new long[] { Math.Max(1, images), 3, size, size }, device: Devices.Cpu);
        using var input = Devices.On(cpuInput, device);
        var targets = Enumerable.Range(0, (int)input.shape[0]).Select(i => i % model.NumClasses).ToList();
        long forwardMacs = model.MultiplyAccumulates(size, size);
        double countedMacs = 0, countedSeconds = 0;
        var entries = new List<Entry>();
        foreach (var name in kinds)
        {
            var method = AttributionNames.Parse(AttributionNames.Methods, name, "method");
            using (NewDisposeScope()) Attributions.Compute(model, input.narrow(0, 0, 1), [targets[0]], method, options); // warm-up
            var watch = Stopwatch.StartNew();
            using (NewDisposeScope())
            {
                Attributions.Compute(model, input, targets, method, options);
                Evaluation.BenchmarkClock.Synchronize(device);
            }
            double seconds = watch.Elapsed.TotalSeconds;
            double perImage = seconds / input.shape[0];
            var passes = AttributionCost.ForwardPasses(method, options, size, size);
            double? macs = passes * forwardMacs * input.shape[0];
            if (macs is { } m)
            {
                countedMacs += m;
                countedSeconds += seconds;
            }
            entries.Add(new Entry(AttributionNames.Of(method), perImage, 1 / perImage)
            {
                ForwardPassesPerImage = passes, Gflops = macs is { } n ? Evaluation.BenchmarkLine.GflopsOf(n, seconds) : null,
            });
        }
        return new AttributionBenchmarkResult(arch, size, steps, batch, get_num_threads(), entries)
        {
            GmacsPerForward = Math.Round(forwardMacs / 1e9, 3), Gflops = Evaluation.BenchmarkLine.GflopsOf(countedMacs, countedSeconds),
        };
    }
}
