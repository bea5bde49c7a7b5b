namespace TextureBias.Evaluation;

/// <summary>What identifies a robustness run (<see cref="RobustnessStore"/>): two runs may share a folder only when all of this is equal.</summary>
/// <param name="Models">The models' names, in order.</param>
/// <param name="Data">The data folder's full path.</param>
/// <param name="Images">How many image files it holds.</param>
/// <param name="Preprocessing">Resize and crop before distorting.</param>
/// <param name="Noise">The noise: numpy's seed or our generator's.</param>
/// <param name="Quantisation">How distorted values became pixels.</param>
public sealed record RobustnessRun(IReadOnlyList<string> Models, string Data, int Images, string Preprocessing, string Noise, string Quantisation);
