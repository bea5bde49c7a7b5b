namespace TextureBias.Comparison;

/// <summary>
/// Speed of the interaction measurement (random weights and images). <see cref="Evaluation.BenchmarkLine.Gflops"/>
/// counts 1 + 3 × pairs forward passes per image (no backward).
/// </summary>
/// <param name="Arch">Architecture.</param>
/// <param name="Size">Image side in pixels.</param>
/// <param name="Patch">Patch side in pixels.</param>
/// <param name="Pairs">Patch pairs per image (1 + 3 × pairs network inputs per image).</param>
/// <param name="Batch">Masked copies per forward pass.</param>
/// <param name="Threads">Intra-op threads LibTorch used.</param>
/// <param name="ImagesPerS">Images measured per second (all their pairs), median over the timed images.</param>
/// <param name="InputsPerS">Network inputs (masked copies) per second.</param>
/// <param name="Images">Timed images (after one warm-up image).</param>
public sealed record InteractionBenchmarkResult(string Arch, int Size, int Patch, int Pairs, int Batch, int Threads, double ImagesPerS, double InputsPerS, int Images) : Evaluation.BenchmarkLine
{
    /// <inheritdoc />
    public override string Bench => "interactions";

    /// <summary>Multiply–accumulates of one network input, in billions.</summary>
    public double GmacsPerInput { get; init; }
}
