namespace TextureBias.Training;

/// <summary>
/// Training throughput. <see cref="Evaluation.BenchmarkLine.Gflops"/> is the in-memory step's, counting
/// 3 × the forward pass's multiply–accumulates per image (forward, and a backward pass of about twice that).
/// </summary>
/// <param name="Arch">Architecture.</param>
/// <param name="Batch">Images per step.</param>
/// <param name="Size">Training crop side.</param>
/// <param name="Threads">LibTorch intra-op threads.</param>
/// <param name="InMemoryImagesPerS">Images per second of the training step (forward, backward, SGD) on tensors in memory; median of the timed steps.</param>
/// <param name="EndToEndImagesPerS">Images per second of a training epoch over a generated folder of JPEGs, through the loader (decoding and augmentation on background threads).</param>
/// <param name="EndToEndFraction">End to end / in memory.</param>
public sealed record TrainBenchmarkResult(string Arch, int Batch, int Size, int Threads, double InMemoryImagesPerS, double EndToEndImagesPerS, double EndToEndFraction) : Evaluation.BenchmarkLine
{
    /// <inheritdoc />
    public override string Bench => "train";

    /// <summary>Multiply–accumulates of a training step per image (3 × the forward pass's), in billions.</summary>
    public double GmacsPerImage { get; init; }

    /// <summary>GFLOP/s of the end-to-end epoch.</summary>
    public double? EndToEndGflops { get; init; }

    /// <summary><see cref="EndToEndGflops"/> / the peak.</summary>
    public double? EndToEndFractionOfPeak => Fraction(EndToEndGflops);

    /// <summary>The device trained on (cpu, cuda:0, ...).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The precision: fp32, bf16 or fp16 (<c>--amp</c>).</summary>
    public string Amp { get; init; } = "fp32";
}
