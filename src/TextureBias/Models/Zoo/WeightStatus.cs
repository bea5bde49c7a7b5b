namespace TextureBias.Models.Zoo;

/// <summary>What this machine holds of one registered weight file.</summary>
/// <param name="Weights">The entry.</param>
/// <param name="Location">Where it is.</param>
/// <param name="Path">The file (the partial download for <see cref="WeightLocation.Partial"/>; where it would go when missing).</param>
/// <param name="Bytes">Its size on disk (0 when missing).</param>
/// <param name="Hash">What its SHA-256 must be: registered, recorded here on first verification, or a prefix only.</param>
public sealed record WeightStatus(PretrainedWeights Weights, WeightLocation Location, string Path, long Bytes, WeightHash Hash);
