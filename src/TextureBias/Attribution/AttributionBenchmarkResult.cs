namespace TextureBias.Attribution;

/// <summary>
/// The speed of the attribution methods (<see cref="AttributionBenchmark"/>). <see cref="Evaluation.BenchmarkLine.Gflops"/>
/// is over all the methods whose work is counted (each method's own is in its entry): their network
/// passes × <see cref="GmacsPerForward"/>, a backward pass to the input counting as one forward pass.
/// </summary>
/// <param name="Arch">The architecture.</param>
/// <param name="Size">Image side.</param>
/// <param name="Steps">Integrated gradients' steps.</param>
/// <param name="Batch">Network inputs per pass.</param>
/// <param name="Threads">LibTorch's threads.</param>
/// <param name="Methods">Per method.</param>
public sealed record AttributionBenchmarkResult(string Arch, int Size, int Steps, int Batch, int Threads, IReadOnlyList<AttributionBenchmark.Entry> Methods) : Evaluation.BenchmarkLine
{
    /// <inheritdoc />
    public override string Bench => "attribute";

    /// <summary>Multiply–accumulates of one forward pass of one image, in billions.</summary>
    public double GmacsPerForward { get; init; }
}
