namespace TextureBias.Distortions;

/// <summary>What a folder distortion job did.</summary>
/// <param name="Written">Output images written.</param>
/// <param name="AlreadyDone">Outputs that existed already (kept).</param>
/// <param name="Skipped">Input images skipped (unreadable, or no usable output name), listed in <paramref name="SkippedList"/>.</param>
/// <param name="SkippedList">The CSV of skipped inputs (path, reason).</param>
public sealed record DistortReport(int Written, int AlreadyDone, int Skipped, string SkippedList);
