using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>
/// Runs one benchmark as a <c>bench</c> command does: starts a new peak resident memory
/// (<see cref="PeakRss.Reset"/>), runs it, reads the peak memory, then finds the machine's peak
/// (<see cref="MachinePeak.Get(Device, double?, string?)"/>: after the benchmark, so a wrong
/// option fails at once and a first measurement is not in the benchmark's memory) and fills in
/// the common fields of its line.
/// </summary>
public static class BenchmarkRunner
{
    /// <summary>Runs <paramref name="benchmark"/>; the fraction is of <paramref name="peak"/> when given, else of the cached (or now measured) peak of <paramref name="device"/>.</summary>
    /// <exception cref="TextureBiasException"><paramref name="peak"/> is not a positive number (before the benchmark runs).</exception>
    public static T Run<T>(Func<T> benchmark, Device? device = null, double? peak = null, string? cacheFile = null) where T : BenchmarkLine
    {
        MachinePeak.Check(peak);
        return Run(benchmark, () => MachinePeak.Get(device ?? Devices.Cpu, peak, cacheFile));
    }

    /// <summary>Runs <paramref name="benchmark"/>, then asks <paramref name="peak"/> for the peak (null: none).</summary>
    public static T Run<T>(Func<T> benchmark, Func<MachinePeakLookup?> peak) where T : BenchmarkLine
    {
        GC.Collect(); // an earlier benchmark's garbage (tensors freed by finalizers) is not this one's memory
        GC.WaitForPendingFinalizers();
        PeakRss.Reset();
        var line = benchmark();
        double? rss = PeakRss.Megabytes();
        return (T)line.WithMachine(peak(), rss);
    }
}
