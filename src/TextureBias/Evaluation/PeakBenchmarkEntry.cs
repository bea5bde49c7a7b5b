namespace TextureBias.Evaluation;

/// <summary>The speed of one convolution of <c>bench peak</c>.</summary>
/// <param name="Shape">The convolution, as <c>NxCxHxW:K</c>.</param>
/// <param name="Gmacs">Multiply–accumulates of one run, in billions.</param>
/// <param name="Seconds">Median seconds of the timed runs.</param>
/// <param name="Gflops">2 × Gmacs / Seconds.</param>
public sealed record PeakBenchmarkEntry(string Shape, double Gmacs, double Seconds, double Gflops);
