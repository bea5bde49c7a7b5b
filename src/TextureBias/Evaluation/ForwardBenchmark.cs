using System.Diagnostics;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>Measures forward-pass throughput on random weights and inputs.</summary>
public static class ForwardBenchmark
{
    /// <summary>
    /// Runs <paramref name="warmup"/> untimed and <paramref name="runs"/> timed forward passes of
    /// a batch and reports the median throughput, on <paramref name="device"/> (default: the CPU).
    /// Three warm-up passes, because a process's first passes run slower than its steady state,
    /// and for ResNets for several passes (ResNet-50 on 2 cores: 14, 16–30, then 33–35 images/s
    /// from about the fifth: LibTorch's and the allocator's caches filling).
    /// The input is drawn on the CPU (the same on every device) and copied there once; on CUDA
    /// each run is timed up to its last kernel.
    /// </summary>
    public static ForwardBenchmarkResult Run(string arch, int batch = 8, int size = 224, int runs = 7, int warmup = 3, Device? device = null)
    {
        var on = device ?? Devices.Cpu;
        Devices.TuneFor(on, fixedSize: true);
        if (batch < 1 || size < 1 || runs < 1) throw new TextureBiasException("batch, size and runs must be positive");
        using var model = Architectures.Create(arch);
        if (size < model.MinimumInputSize) throw new TextureBiasException($"{arch} needs images of at least {model.MinimumInputSize} pixels");
        Devices.MoveTo(model, on);
        model.eval();
        using var frozen = model.FreezeWeights();
        using var scope = NewDisposeScope();
        var input = Devices.Upload(randn(new long[] { batch, 3, size, size }, device: Devices.Cpu), on);
        var times = new List<double>();
        using (no_grad())
        {
            for (int i = 0; i < warmup + runs; i++)
            {
                using var step = NewDisposeScope();
                BenchmarkClock.Synchronize(on);
                var sw = Stopwatch.StartNew();
                model.forward(input);
                BenchmarkClock.Synchronize(on);
                sw.Stop();
                if (i >= warmup) times.Add(sw.Elapsed.TotalSeconds);
            }
        }
        double median = Median.Of(times);
        long macs = model.MultiplyAccumulates(size, size);
        return new ForwardBenchmarkResult(arch, batch, size, get_num_threads(), batch / median, macs / 1e9, runs)
        {
            Device = on.ToString(), Gflops = BenchmarkLine.GflopsOf((double)macs * batch, median),
        };
    }
}
