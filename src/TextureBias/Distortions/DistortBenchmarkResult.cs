namespace TextureBias.Distortions;

/// <summary>Speed of one distortion (<c>bench distort</c>).</summary>
/// <param name="Distortion">The distortion's name.</param>
/// <param name="Level">The level measured (a middle one of the reference's).</param>
/// <param name="DistortPerSecond">Images/s of the distortion alone (float image in, 8-bit image out), on one thread.</param>
/// <param name="EndToEndPerSecond">Images/s of a folder job (decode PNG, distort, encode PNG, write) on all cores.</param>
public sealed record DistortBenchmarkEntry(string Distortion, string Level, double DistortPerSecond, double EndToEndPerSecond);

/// <summary>The result of <c>bench distort</c>.</summary>
/// <param name="Size">Image side in pixels.</param>
/// <param name="Images">Images per measurement.</param>
/// <param name="Cores">Logical cores used by the folder job.</param>
/// <param name="Distortions">One entry per distortion.</param>
public sealed record DistortBenchmarkResult(int Size, int Images, int Cores, IReadOnlyList<DistortBenchmarkEntry> Distortions);
