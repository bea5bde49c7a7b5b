using System.Globalization;
using System.Text.RegularExpressions;

namespace TextureBias.Observers;

/// <summary>Orders condition names by their first number ("c05" before "c100", "2-3-10" before "16-3-10", "inf" last), else by name.</summary>
public sealed partial class ConditionOrder : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static ConditionOrder Instance { get; } = new();

    /// <inheritdoc/>
    public int Compare(string? x, string? y)
    {
        double? a = Number(x ?? ""), b = Number(y ?? "");
        if (a is { } p && b is { } q && p != q) return p.CompareTo(q);
        if (a is null != b is null) return a is null ? 1 : -1;
        return string.CompareOrdinal(x, y);
    }

    private static double? Number(string s)
    {
        if (s.Equals("inf", StringComparison.OrdinalIgnoreCase)) return double.PositiveInfinity;
        var m = FirstNumber().Match(s);
        return m.Success ? double.Parse(m.Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"[0-9]+(\.[0-9]+)?")]
    private static partial Regex FirstNumber();
}
