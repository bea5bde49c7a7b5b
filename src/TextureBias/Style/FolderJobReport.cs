namespace TextureBias.Style;

/// <summary>What a folder job of the style tools did.</summary>
/// <param name="Written">Outputs written by this run.</param>
/// <param name="AlreadyDone">Outputs found from an earlier run and kept.</param>
/// <param name="Skipped">Inputs that could not be read (listed in <paramref name="SkippedList"/>).</param>
/// <param name="SkippedList">CSV of skipped inputs (path, reason).</param>
public sealed record FolderJobReport(int Written, int AlreadyDone, int Skipped, string SkippedList);
