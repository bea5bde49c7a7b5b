namespace TextureBias.Evaluation;

/// <summary>
/// The machine's FP32 convolution peak (<c>bench peak</c>): the best GFLOP/s of a few large
/// channels-last 3×3 convolutions, in <see cref="BenchmarkLine.Gflops"/>.
/// </summary>
/// <param name="Shapes">Each convolution's speed.</param>
/// <param name="Threads">LibTorch's intra-op threads.</param>
/// <param name="Device">Where the convolutions ran (cpu, cuda:0).</param>
/// <param name="Cpu">The CPU's model name (/proc/cpuinfo).</param>
/// <param name="Libtorch">LibTorch's version.</param>
/// <param name="Runs">Timed runs per convolution (after the warm-up runs); the median is taken.</param>
/// <param name="Quick">Whether this is the short measurement (fewer runs) made when no peak was cached.</param>
/// <param name="OnednnIsa">oneDNN's instruction-set cap (<see cref="MachinePeak.OneDnnIsa"/>: "default", or AVX on a machine that hides its caches).</param>
public sealed record PeakBenchmarkResult(IReadOnlyList<PeakBenchmarkEntry> Shapes, int Threads, string Device, string Cpu, string Libtorch, int Runs, bool Quick,
    string OnednnIsa = "default")
    : BenchmarkLine
{
    /// <inheritdoc />
    public override string Bench => "peak";

    /// <summary>Why oneDNN runs capped or not on this machine (<see cref="Native.OneDnnIsaGuard.Reason"/>).</summary>
    public string OnednnNote { get; init; } = "";

    /// <summary>The cache file the peak was written to; null when it was not written (other shapes than the standard ones, or the cache is not writable).</summary>
    public string? Cache { get; init; }
}
