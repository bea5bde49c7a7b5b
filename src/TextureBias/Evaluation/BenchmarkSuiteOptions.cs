using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>How <see cref="BenchmarkSuite"/> runs.</summary>
public sealed record BenchmarkSuiteOptions
{
    /// <summary>Small sizes and few runs: checks that every benchmark works in seconds (the numbers mean little).</summary>
    public bool Quick { get; init; }

    /// <summary>Where the networks run (null: the CPU).</summary>
    public Device? Device { get; init; }

    /// <summary>The peak the fractions are taken of (<c>--peak</c>); null: <c>TEXTUREBIAS_PEAK</c> when set, else the suite's own peak measurement.</summary>
    public double? Peak { get; init; }

    /// <summary>The peak cache file (null: <see cref="MachinePeak.DefaultCacheFile"/>); the full suite stores its peak there.</summary>
    public string? CacheFile { get; init; }
}
