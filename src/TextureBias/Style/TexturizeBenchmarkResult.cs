namespace TextureBias.Style;

/// <summary>Speed of texture synthesis.</summary>
/// <param name="Size">Image side.</param>
/// <param name="Iterations">L-BFGS iterations (loss evaluations) measured.</param>
/// <param name="SecondsPerIteration">Median over runs of the time of one evaluation (forward and backward through VGG-19) with the L-BFGS update.</param>
/// <param name="SecondsPerImage">Time of one whole synthesis of <paramref name="Iterations"/> iterations (median run).</param>
/// <param name="Device">Where it ran (cpu, cuda:0, ...).</param>
public sealed record TexturizeBenchmarkResult(int Size, int Iterations, double SecondsPerIteration, double SecondsPerImage, string Device = "cpu");
