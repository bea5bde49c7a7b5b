namespace TextureBias.Models.Zoo;

/// <summary>The result of hashing a local weight file again.</summary>
/// <param name="Weights">The entry.</param>
/// <param name="Path">The file that was hashed.</param>
/// <param name="Sha256">Its SHA-256 (lower-case hex).</param>
/// <param name="Ok">Whether it is the expected hash.</param>
/// <param name="Expected">What it was compared with (as it stood before this check: a first check of a prefix-only entry records the whole hash).</param>
/// <param name="Problem">Why it is wrong (a phrase naming both hashes), or null.</param>
public sealed record WeightCheck(PretrainedWeights Weights, string Path, string Sha256, bool Ok, WeightHash Expected, string? Problem);
