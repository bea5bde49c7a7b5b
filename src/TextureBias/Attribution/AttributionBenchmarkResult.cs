namespace TextureBias.Attribution;

/// <summary>The speed of the attribution methods (<see cref="AttributionBenchmark"/>).</summary>
/// <param name="Arch">The architecture.</param>
/// <param name="Size">Image side.</param>
/// <param name="Steps">Integrated gradients' steps.</param>
/// <param name="Batch">Network inputs per pass.</param>
/// <param name="Threads">LibTorch's threads.</param>
/// <param name="Methods">Per method.</param>
public sealed record AttributionBenchmarkResult(string Arch, int Size, int Steps, int Batch, int Threads, IReadOnlyList<AttributionBenchmark.Entry> Methods);
