namespace TextureBias.Evaluation;

/// <summary>The speed of one convolution of <c>bench peak</c>.</summary>
/// <param name="Shape">The convolution, as <c>NxCxHxW:K</c>.</param>
/// <param name="Macs">Multiply–accumulates of one run.</param>
/// <param name="Seconds">Median seconds of the timed runs.</param>
/// <param name="Gflops">2 × Macs / Seconds, in billions (3 decimals, from the unrounded time).</param>
public sealed record PeakBenchmarkEntry(string Shape, long Macs, double Seconds, double Gflops);
