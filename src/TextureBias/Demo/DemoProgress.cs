namespace TextureBias.Demo;

/// <summary>How far a stage of the demo has come.</summary>
/// <param name="Stage">The stage, e.g. "world: natural-train" or "train ResNet-18 · natural".</param>
/// <param name="Done">Units done (images, steps).</param>
/// <param name="Total">Units in all.</param>
/// <param name="Detail">A short note (loss, epoch), or null.</param>
public sealed record DemoProgress(string Stage, long Done, long Total, string? Detail = null);
