using System.Diagnostics;
using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Comparison;

/// <summary>Times <see cref="Interactions.MaskedLogits"/> (masking and the forward passes; no decoding) on random weights and images.</summary>
public static class InteractionBenchmark
{
    /// <summary>Measures one warm-up and <paramref name="images"/> timed images of side <paramref name="size"/> with <paramref name="pairs"/> pairs each, on <paramref name="device"/> (null: the CPU).</summary>
    public static InteractionBenchmarkResult Run(string arch, int size = 224, int patch = 33, int pairs = 20, int batch = 32, int images = 3, Device? device = null)
    {
        if (size < 1 || pairs < 1 || batch < 1 || images < 1) throw new TextureBiasException("size, pairs, batch and images must be positive");
        var options = new InteractionOptions { Patch = patch, PairsPerImage = pairs, BatchSize = batch };
        options.Validate();
        if (PatchPairSampler.MaxGap(size, size, patch) < 0) throw new TextureBiasException($"two {patch}-pixel patches do not fit in a {size}-pixel image");
        using var model = Architectures.Create(arch);
        if (size < model.MinimumInputSize) throw new TextureBiasException($"{arch} needs images of at least {model.MinimumInputSize} pixels");
        model.eval();
        var on = Devices.Place(model, device ?? Devices.Cpu);
        Devices.TuneFor(on, fixedSize: true);
        using var frozen = model.FreezeWeights();
        var times = new List<double>();
        for (int i = 0; i <= images; i++)
        {
            using var scope = NewDisposeScope();
            var input = Devices.On(randn(new long[] { 3, size, size }, device: Devices.Cpu), on);
            var sampled = PatchPairSampler.Sample(size, size, patch, options.BinEdges, pairs, new Random(i), i).Select(s => s.Pair).ToList();
            var watch = Stopwatch.StartNew();
            Interactions.MaskedLogits(model, input, sampled, options);
            Evaluation.BenchmarkClock.Synchronize(on);
            if (i > 0) times.Add(watch.Elapsed.TotalSeconds);
        }
        double median = Evaluation.Median.Of(times);
        long macs = model.MultiplyAccumulates(size, size);
        return new InteractionBenchmarkResult(arch, size, patch, pairs, batch, get_num_threads(), 1 / median, (1 + 3 * pairs) / median, images)
        {
            GmacsPerInput = Math.Round(macs / 1e9, 3), Gflops = Evaluation.BenchmarkLine.GflopsOf((1.0 + 3 * pairs) * macs, median),
        };
    }
}
