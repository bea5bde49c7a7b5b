namespace TextureBias.Comparison;

/// <summary>The speed of the masking experiment (<see cref="MaskingBenchmark"/>).</summary>
/// <param name="Arch">The network.</param>
/// <param name="Ranking">The ranking.</param>
/// <param name="Size">Image side.</param>
/// <param name="Patch">Patch side.</param>
/// <param name="Steps">Masked copies per image.</param>
/// <param name="Images">Images timed.</param>
/// <param name="Threads">LibTorch's threads.</param>
/// <param name="ImagesPerSecond">Images per second end to end.</param>
public sealed record MaskingBenchmarkResult(string Arch, string Ranking, int Size, int Patch, int Steps, int Images, int Threads, double ImagesPerSecond);
