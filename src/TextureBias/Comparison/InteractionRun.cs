namespace TextureBias.Comparison;

/// <summary>What a resumable interactions run of one model measured: its results folder holds only this run's images.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Data">The image folder (full path).</param>
/// <param name="Images">Images in the latest run (a run may be extended or shortened: images are kept by position and path).</param>
/// <param name="Preprocessing">Resize, crop and normalisation.</param>
/// <param name="Settings">Patch, pairs, bins, seed, fill, logits (<see cref="InteractionStore.Describe"/>).</param>
/// <param name="Weights">What identifies the weights (a file's full path, size and time; a registered name), so that changed weights are not mixed with old results.</param>
public sealed record InteractionRun(string Model, string Data, int Images, string Preprocessing, string Settings, string Weights = "");
