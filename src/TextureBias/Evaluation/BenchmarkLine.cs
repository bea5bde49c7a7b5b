using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextureBias.Evaluation;

/// <summary>
/// What every <c>bench</c> line reports beside its own fields: the work's speed in GFLOP/s
/// (2 × multiply–accumulates per second), the machine's peak (<see cref="MachinePeak"/>), the
/// share of it, and the process's peak resident memory (<see cref="PeakRss"/>).
/// </summary>
public abstract record BenchmarkLine
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The benchmark's name (forward, heatmap, stylize, ...): what <c>bench NAME</c> printed the line.</summary>
    public abstract string Bench { get; }

    /// <summary>GFLOP/s of the work timed (2 × multiply–accumulates per second); null where no network runs (distort) or the work is not counted.</summary>
    public double? Gflops { get; init; }

    /// <summary><see cref="Gflops"/> / <see cref="PeakGflops"/>; null when either is unknown.</summary>
    public double? FractionOfPeak => Fraction(Gflops);

    /// <summary>The machine's FP32 convolution peak the fraction is taken of (<c>bench peak</c>, cached), GFLOP/s.</summary>
    public double? PeakGflops { get; init; }

    /// <summary>Where <see cref="PeakGflops"/> came from: cached, measured (now, the short version) or given (<c>--peak</c>).</summary>
    public string? PeakSource { get; init; }

    /// <summary>The process's peak resident memory while the benchmark ran (VmHWM), in MB; null where unreadable (not Linux).</summary>
    public double? PeakRssMb { get; init; }

    /// <summary><paramref name="gflops"/> / <see cref="PeakGflops"/>, rounded to 4 decimals; null when either is unknown.</summary>
    protected double? Fraction(double? gflops) =>
        gflops is { } g && PeakGflops is { } p && p > 0 ? Math.Round(g / p, 4) : null;

    /// <summary>GFLOP/s of <paramref name="multiplyAccumulates"/> done in <paramref name="seconds"/>, rounded to 2 decimals; null when either is not positive.</summary>
    public static double? GflopsOf(double multiplyAccumulates, double seconds) =>
        multiplyAccumulates > 0 && seconds > 0 ? Math.Round(2 * multiplyAccumulates / seconds / 1e9, 2) : null;

    /// <summary>A copy with the peak and the peak resident memory filled in.</summary>
    public BenchmarkLine WithMachine(MachinePeakLookup? peak, double? peakRssMb) =>
        this with { PeakGflops = peak?.Gflops, PeakSource = peak?.Source, PeakRssMb = peakRssMb };

    /// <summary>The line as printed: one line of JSON, snake_case names, this record's own fields and the common ones.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, GetType(), Json);
}
