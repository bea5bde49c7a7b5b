namespace TextureBias.Evaluation;

/// <summary>One benchmark of <see cref="BenchmarkSuite"/>: its line, or why it failed.</summary>
/// <param name="Name">What was measured ("forward resnet50").</param>
/// <param name="Line">The line (null when it failed).</param>
/// <param name="Speed">The speed in the benchmark's own unit ("52.3 images/s", "11.8 s dense"); empty when it failed.</param>
/// <param name="Error">Why it failed, in one line; null when it ran.</param>
public sealed record BenchmarkSuiteRow(string Name, BenchmarkLine? Line, string Speed, string? Error = null);
