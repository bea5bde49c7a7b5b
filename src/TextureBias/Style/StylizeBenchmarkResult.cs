namespace TextureBias.Style;

/// <summary>
/// Throughput of AdaIN stylisation. <see cref="Evaluation.BenchmarkLine.Gflops"/> is the networks'
/// (<see cref="NetworkGflops"/>); the end-to-end job's is <see cref="EndToEndGflops"/>.
/// </summary>
/// <param name="Size">Content side in pixels.</param>
/// <param name="StyleSize">Style side in pixels.</param>
/// <param name="Threads">LibTorch intra-op threads.</param>
/// <param name="Batch">Content images per forward pass.</param>
/// <param name="NetworkImagesPerS">Images per second through encoder, AdaIN and decoder (tensors in memory; median of the timed runs).</param>
/// <param name="EndToEndImagesPerS">Images per second of a dataset job over a generated folder (decoding, resizing, networks, PNG encoding, writing; styles encoded once and cached, as in a real job).</param>
/// <param name="Images">Images in the generated folder.</param>
/// <param name="Device">Where the networks ran (cpu, cuda:0, ...).</param>
/// <param name="Amp">The precision of the forward passes: fp32, bf16 or fp16.</param>
public sealed record StylizeBenchmarkResult(int Size, int StyleSize, int Threads, int Batch, double NetworkImagesPerS, double EndToEndImagesPerS, int Images,
    string Device = "cpu", string Amp = "fp32") : Evaluation.BenchmarkLine
{
    /// <inheritdoc />
    public override string Bench => "stylize";

    /// <summary>Multiply–accumulates per image of the network run: encoder to relu4_1 on a Size² content, then the decoder, in billions.</summary>
    public double NetworkGmacsPerImage { get; init; }

    /// <summary>Multiply–accumulates per image of the job: the same networks at the size the generated contents are resized to (shorter side Size; they are square, so Size²), in billions.</summary>
    public double EndToEndGmacsPerImage { get; init; }

    /// <summary>GFLOP/s of the networks alone (the style is encoded once, before the timed runs, as a job caches it).</summary>
    public double? NetworkGflops { get; init; }

    /// <summary>GFLOP/s of the job end to end.</summary>
    public double? EndToEndGflops { get; init; }

    /// <summary><see cref="NetworkGflops"/> / the peak.</summary>
    public double? NetworkFractionOfPeak => Fraction(NetworkGflops);

    /// <summary><see cref="EndToEndGflops"/> / the peak.</summary>
    public double? EndToEndFractionOfPeak => Fraction(EndToEndGflops);

    /// <summary>
    /// <see cref="EndToEndGflops"/> / <see cref="NetworkGflops"/>: the job's speed as a share of the
    /// networks', per unit of work (with the job's images the network run's shape, the same as
    /// <see cref="EndToEndImagesPerS"/> / <see cref="NetworkImagesPerS"/>).
    /// </summary>
    public double? EndToEndOverNetwork { get; init; }
}
