using System.Diagnostics;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>
/// Measures the machine's FP32 convolution peak: large 3×3 convolutions (stride 1, padding 1)
/// with input and weight in channels-last layout (NHWC strides: oneDNN's fastest path on the
/// CPU), all of LibTorch's threads, no autograd; each timed as the median of several runs after
/// warm-up. The peak is the best of them.
/// </summary>
public static class PeakBenchmark
{
    /// <summary>Timed runs per convolution of the full measurement.</summary>
    public const int DefaultRuns = 7;

    /// <summary>Timed runs per convolution of the short measurement (<see cref="MachinePeak"/>'s, when no peak is cached).</summary>
    public const int QuickRuns = 3;

    /// <summary>
    /// Times each of <paramref name="shapes"/> (default <see cref="PeakConvolution.Standard"/>)
    /// <paramref name="warmup"/> times untimed and <paramref name="runs"/> times timed on
    /// <paramref name="device"/> (default: the CPU). <paramref name="quick"/> only labels the result.
    /// </summary>
    public static PeakBenchmarkResult Run(IReadOnlyList<PeakConvolution>? shapes = null, int runs = DefaultRuns, int warmup = 2, Device? device = null, bool quick = false)
    {
        var on = device ?? Devices.Cpu;
        var chosen = shapes is { Count: > 0 } ? shapes : PeakConvolution.Standard;
        if (runs < 1 || warmup < 0) throw new TextureBiasException("runs must be positive and warm-up runs 0 or more");
        Devices.TuneFor(on, fixedSize: true);
        var entries = new List<PeakBenchmarkEntry>();
        using (no_grad())
        {
            foreach (var shape in chosen)
            {
                using var scope = NewDisposeScope();
                manual_seed(0);
                var x = ChannelsLast(Devices.Upload(randn(new long[] { shape.Batch, shape.Channels, shape.Height, shape.Width }, device: Devices.Cpu), on));
                var w = ChannelsLast(Devices.Upload(randn(new long[] { shape.OutChannels, shape.Channels, 3, 3 }, device: Devices.Cpu), on));
                var b = Devices.Upload(zeros(shape.OutChannels, device: Devices.Cpu), on);
                var times = new List<double>();
                for (int i = 0; i < warmup + runs; i++)
                {
                    using var step = NewDisposeScope();
                    BenchmarkClock.Synchronize(on);
                    var sw = Stopwatch.StartNew();
                    nn.functional.conv2d(x, w, b, strides: [1, 1], padding: [1, 1]);
                    BenchmarkClock.Synchronize(on);
                    if (i >= warmup) times.Add(sw.Elapsed.TotalSeconds);
                }
                double median = Median.Of(times);
                entries.Add(new PeakBenchmarkEntry(shape.Name, shape.MultiplyAccumulates, median, Math.Round(2 * shape.MultiplyAccumulates / median / 1e9, 3)));
            }
        }
        return new PeakBenchmarkResult(entries, get_num_threads(), on.ToString(), MachinePeak.CpuModel(), MachinePeak.LibTorchVersion, runs, quick, MachinePeak.OneDnnIsa)
        {
            Gflops = entries.Max(e => e.Gflops), OnednnNote = Native.OneDnnIsaGuard.Reason,
        };
    }

    /// <summary>The same values with channels-last (NHWC) strides, as PyTorch's <c>x.contiguous(memory_format=torch.channels_last)</c>.</summary>
    internal static Tensor ChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
}
