namespace TextureBias.Data;

/// <summary>Names for a one-line message: the first few, then how many there are in all.</summary>
internal static class NameList
{
    /// <summary>"a, b, c, … (40 in all)", or all of them when there are at most <paramref name="shown"/>.</summary>
    public static string Shortened(IReadOnlyList<string> names, int shown) =>
        string.Join(", ", names.Take(shown)) + (names.Count > shown ? $", … ({names.Count} in all)" : "");
}
