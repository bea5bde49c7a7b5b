namespace TextureBias.Data;

/// <summary>At most a given number of items taken evenly over a list (for experiments on part of a large folder).</summary>
public static class EvenSpread
{
    /// <summary>Items ⌊i·n/max⌋ for i &lt; <paramref name="max"/> of the n <paramref name="items"/>; all of them when <paramref name="max"/> is 0 or at least n.</summary>
    public static List<T> Of<T>(IReadOnlyList<T> items, int max) =>
        max <= 0 || max >= items.Count ? items.ToList() : Enumerable.Range(0, max).Select(i => items[(int)((long)i * items.Count / max)]).ToList();
}
