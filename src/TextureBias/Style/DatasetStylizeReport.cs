namespace TextureBias.Style;

/// <summary>What a dataset stylisation job did.</summary>
/// <param name="Written">Outputs written by this run.</param>
/// <param name="AlreadyDone">Outputs that existed and were kept (resumed job).</param>
/// <param name="Skipped">Content images skipped (unreadable content or style).</param>
/// <param name="Styles">Usable styles.</param>
/// <param name="ExcludedStyles">Style files excluded (unreadable or too small).</param>
/// <param name="Manifest">The manifest file (content, style, output).</param>
/// <param name="SkippedList">The list of skipped inputs (path, reason).</param>
public sealed record DatasetStylizeReport(int Written, int AlreadyDone, int Skipped, int Styles, int ExcludedStyles, string Manifest, string SkippedList);
