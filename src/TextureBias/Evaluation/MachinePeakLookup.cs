namespace TextureBias.Evaluation;

/// <summary>The peak a bench line's fraction is taken of, and where it came from.</summary>
/// <param name="Gflops">The peak, GFLOP/s.</param>
/// <param name="Source">"cached" (peak.json), "measured" (the short measurement, just now; then cached) or "given" (<c>--peak</c>).</param>
public sealed record MachinePeakLookup(double Gflops, string Source);
