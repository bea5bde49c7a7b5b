namespace TextureBias.Distortions;

/// <summary>Speed of one distortion (<c>bench distort</c>).</summary>
/// <param name="Distortion">The distortion's name.</param>
/// <param name="Level">The level measured (a middle one of the reference's).</param>
/// <param name="DistortPerSecond">Images/s of the distortion alone (float image in, 8-bit image out), on one thread.</param>
/// <param name="EndToEndPerSecond">Images/s of a folder job (decode PNG, distort, encode PNG, write) on all cores.</param>
public sealed record DistortBenchmarkEntry(string Distortion, string Level, double DistortPerSecond, double EndToEndPerSecond);
