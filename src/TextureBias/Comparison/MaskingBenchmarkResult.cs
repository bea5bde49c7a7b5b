namespace TextureBias.Comparison;

/// <summary>
/// The speed of the masking experiment (<see cref="MaskingBenchmark"/>). <see cref="Evaluation.BenchmarkLine.Gflops"/>
/// counts <see cref="ForwardPassesPerImage"/> × <see cref="GmacsPerForward"/> per image (decoding and masking are in the time, not in the work).
/// </summary>
/// <param name="Arch">The network.</param>
/// <param name="Ranking">The ranking.</param>
/// <param name="Size">Image side.</param>
/// <param name="Patch">Patch side.</param>
/// <param name="Steps">Masked copies per image.</param>
/// <param name="Images">Images timed.</param>
/// <param name="Threads">LibTorch's threads.</param>
/// <param name="ImagesPerSecond">Images per second end to end.</param>
public sealed record MaskingBenchmarkResult(string Arch, string Ranking, int Size, int Patch, int Steps, int Images, int Threads, double ImagesPerSecond) : Evaluation.BenchmarkLine
{
    /// <inheritdoc />
    public override string Bench => "mask";

    /// <summary>Network passes per image in forward passes: one per masked copy, plus the ranking's attribution (a backward pass counting as one); null where not counted (a BagNet ranking).</summary>
    public double? ForwardPassesPerImage { get; init; }

    /// <summary>Multiply–accumulates of one forward pass of one image, in billions.</summary>
    public double GmacsPerForward { get; init; }
}
