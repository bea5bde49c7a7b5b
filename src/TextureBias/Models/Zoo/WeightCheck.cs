namespace TextureBias.Models.Zoo;

/// <summary>The result of hashing a local weight file again.</summary>
/// <param name="Weights">The entry.</param>
/// <param name="Path">The file that was hashed.</param>
/// <param name="Sha256">Its SHA-256 (lower-case hex).</param>
/// <param name="Ok">Whether it is the registered hash.</param>
public sealed record WeightCheck(PretrainedWeights Weights, string Path, string Sha256, bool Ok);
