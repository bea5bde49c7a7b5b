namespace TextureBias.Data;

/// <summary>
/// "Did you mean ...?" for names typed by people: the closest candidate by edit distance
/// (insertions, deletions, substitutions and swaps of neighbouring letters, case-blind).
/// </summary>
public static class Spelling
{
    /// <summary>
    /// The candidate closest to <paramref name="given"/>, or null when none is close enough to be
    /// the one meant: at most a third of the longer name's letters may differ (at least one may),
    /// and a candidate that starts with what was typed (an abbreviation) also counts. Leading
    /// dashes are ignored, so <c>--wieghts</c> finds <c>--weights</c>.
    /// </summary>
    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        string typed = given.TrimStart('-').ToLowerInvariant();
        if (typed.Length == 0) return null;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Distinct())
        {
            string name = candidate.TrimStart('-').ToLowerInvariant();
            if (name.Length == 0) continue;
            int d = Distance(typed, name);
            bool close = d <= Math.Max(1, Math.Max(typed.Length, name.Length) / 3)
                || (typed.Length >= 3 && name.StartsWith(typed, StringComparison.Ordinal));
            if (close && d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /// <summary>
    /// The optimal-string-alignment distance: how many single-letter insertions, deletions,
    /// substitutions or swaps of neighbouring letters turn <paramref name="a"/> into <paramref name="b"/>.
    /// </summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
            }
        }
        return d[a.Length, b.Length];
    }
}
