using TextureBias.Distortions;
using TextureBias.Observers;

namespace TextureBias.Evaluation;

/// <summary>The results of one distortion at one level: a point per model, and every model's trials (raw-data format; empty unless kept).</summary>
/// <param name="Distortion">The distortion's name.</param>
/// <param name="Level">The level.</param>
/// <param name="Points">One per model, in the run's model order.</param>
/// <param name="Trials">One per model and image: subject = model name, condition = the level's condition string.</param>
public sealed record RobustnessCell(string Distortion, DistortionLevel Level, IReadOnlyList<RobustnessPoint> Points, IReadOnlyList<RawTrial> Trials);
