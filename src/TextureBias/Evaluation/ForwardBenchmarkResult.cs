namespace TextureBias.Evaluation;

/// <summary>Throughput of a model's forward pass (inference, eval mode); <see cref="BenchmarkLine.Gflops"/> counts <paramref name="GmacsPerImage"/> per image.</summary>
/// <param name="Arch">Architecture.</param>
/// <param name="Batch">Images per forward pass.</param>
/// <param name="Size">Image side in pixels.</param>
/// <param name="Threads">Intra-op threads LibTorch used.</param>
/// <param name="ImagesPerS">Median images per second over the timed runs, after warm-up.</param>
/// <param name="GmacsPerImage">Multiply–accumulates per image, in billions.</param>
/// <param name="Runs">Timed runs.</param>
public sealed record ForwardBenchmarkResult(string Arch, int Batch, int Size, int Threads, double ImagesPerS, double GmacsPerImage, int Runs) : BenchmarkLine
{
    /// <inheritdoc />
    public override string Bench => "forward";

    /// <summary>The device the network ran on (cpu, cuda:N).</summary>
    public string Device { get; init; } = "cpu";
}
