namespace TextureBias.Evaluation;

/// <summary>The median the benchmarks report (and the logit correlation's): the middle value, or the mean of the two middle ones.</summary>
internal static class Median
{
    /// <summary>The median of <paramref name="values"/> (sorted in place); NaN when there are none.</summary>
    public static double Of(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
