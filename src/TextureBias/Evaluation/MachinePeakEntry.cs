namespace TextureBias.Evaluation;

/// <summary>One cached peak (an entry of <c>peak.json</c>).</summary>
/// <param name="Key">What it is valid for.</param>
/// <param name="Gflops">The peak, GFLOP/s.</param>
/// <param name="Quick">Whether it is the short measurement (a bench line measured it) rather than <c>bench peak</c>'s.</param>
/// <param name="MeasuredAt">When it was measured (UTC, ISO 8601).</param>
public sealed record MachinePeakEntry(MachinePeakKey Key, double Gflops, bool Quick, string MeasuredAt);
