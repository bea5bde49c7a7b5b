namespace TextureBias.Data;

/// <summary>An input that was skipped, and why (one line).</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">The cause, without the file name.</param>
public sealed record ImageFailure(string Path, string Reason);
