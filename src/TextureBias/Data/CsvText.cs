namespace TextureBias.Data;

/// <summary>CSV fields and the <c>skipped.csv</c> list of folder jobs (<c>path,reason</c>, one line per input passed over).</summary>
internal static class CsvText
{
    /// <summary>A field, quoted when it holds a comma, a quote or a newline.</summary>
    public static string Field(string s) => s.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>One line of a skipped list (with its newline).</summary>
    public static string SkippedLine(string path, string reason) => $"{Field(path)},{Field(reason)}\n";

    /// <summary>Writes a skipped list (header and <paramref name="lines"/>), atomically.</summary>
    public static void WriteSkipped(string file, IEnumerable<string> lines) => AtomicFile.WriteText(file, "path,reason\n" + string.Concat(lines));
}
