namespace TextureBias.Distortions;

/// <summary>The result of <c>bench distort</c>. No network runs: <see cref="Evaluation.BenchmarkLine.Gflops"/> is null.</summary>
/// <param name="Size">Image side in pixels.</param>
/// <param name="Images">Images per measurement.</param>
/// <param name="Cores">Logical cores used by the folder job.</param>
/// <param name="Distortions">One entry per distortion.</param>
public sealed record DistortBenchmarkResult(int Size, int Images, int Cores, IReadOnlyList<DistortBenchmarkEntry> Distortions) : Evaluation.BenchmarkLine
{
    /// <inheritdoc />
    public override string Bench => "distort";
}
