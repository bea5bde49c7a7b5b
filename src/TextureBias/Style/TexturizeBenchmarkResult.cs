namespace TextureBias.Style;

/// <summary>
/// Speed of texture synthesis. <see cref="Evaluation.BenchmarkLine.Gflops"/> (median run) counts VGG-19
/// to relu5_1 once for the source and twice per evaluation (forward, and the backward pass to the
/// image, about as much: the weights are frozen).
/// </summary>
/// <param name="Size">Image side.</param>
/// <param name="Iterations">L-BFGS iterations (loss evaluations) measured.</param>
/// <param name="SecondsPerIteration">Median over runs of the time of one evaluation (forward and backward through VGG-19) with the L-BFGS update.</param>
/// <param name="SecondsPerImage">Time of one whole synthesis of <paramref name="Iterations"/> iterations (median run).</param>
/// <param name="Device">Where it ran (cpu, cuda:0, ...).</param>
public sealed record TexturizeBenchmarkResult(int Size, int Iterations, double SecondsPerIteration, double SecondsPerImage, string Device = "cpu") : Evaluation.BenchmarkLine
{
    /// <inheritdoc />
    public override string Bench => "texturize";

    /// <summary>Multiply–accumulates of one VGG-19 forward pass to relu5_1 at Size², in billions.</summary>
    public double VggGmacs { get; init; }
}
