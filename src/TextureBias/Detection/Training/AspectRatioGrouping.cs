namespace TextureBias.Detection.Training;

/// <summary>
/// torchvision's aspect-ratio grouping (<c>references/detection/group_by_aspect_ratio.py</c>):
/// <c>create_aspect_ratio_groups</c> puts each image in a bin of its height/width ratio, and
/// <c>GroupedBatchSampler</c> forms batches of images of one bin, in an order as close as possible
/// to the sampler's, so that batched images need little padding.
/// </summary>
public static class AspectRatioGrouping
{
    /// <summary>
    /// The bin edges of factor <paramref name="k"/>: 2^linspace(−1, 1, 2k + 1) (for k = 3: 0.5 … 2 in 7 edges), or [1] for k ≤ 0.
    /// </summary>
    public static IReadOnlyList<double> Bins(int k) =>
        k > 0 ? Enumerable.Range(0, 2 * k + 1).Select(i => Math.Pow(2, -1 + 2.0 * i / (2 * k))).ToArray() : new[] { 1.0 };

    /// <summary>
    /// Each image's group: the number of bin edges ≤ its aspect ratio (height / width), as Python's <c>bisect_right</c>.
    /// </summary>
    public static int[] Groups(IReadOnlyList<double> aspectRatios, int k)
    {
        var bins = Bins(k);
        return aspectRatios.Select(r => bins.Count(b => b <= r)).ToArray();
    }

    /// <summary>
    /// <c>GroupedBatchSampler</c>: walks <paramref name="order"/> (the sampler's indices) and emits a batch whenever a
    /// group has collected <paramref name="batchSize"/> indices; then, until there are ⌊n / batchSize⌋ batches, the
    /// fullest unfinished groups are completed with their own first indices (so some images appear twice).
    /// </summary>
    public static List<int[]> Batches(IReadOnlyList<int> order, IReadOnlyList<int> groups, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize));
        var buffers = new Dictionary<int, List<int>>(); // insertion order of groups matters for ties below
        var bufferOrder = new List<int>();
        var seen = new Dictionary<int, List<int>>();
        var batches = new List<int[]>();
        foreach (int index in order)
        {
            int g = groups[index];
            if (!buffers.TryGetValue(g, out var buffer))
            {
                buffers[g] = buffer = new List<int>();
                bufferOrder.Add(g);
            }
            buffer.Add(index);
            if (!seen.TryGetValue(g, out var all)) seen[g] = all = new List<int>();
            all.Add(index);
            if (buffer.Count == batchSize)
            {
                batches.Add(buffer.ToArray());
                // Python deletes the group's buffer, and its assert on the next line re-creates it (empty) at the dict's end.
                buffers[g] = new List<int>();
                bufferOrder.Remove(g);
                bufferOrder.Add(g);
            }
        }
        int expected = order.Count / batchSize;
        int remaining = expected - batches.Count;
        if (remaining > 0)
        {
            // Python's sorted(..., key=len, reverse=True) is stable: among equal lengths, dict (insertion) order.
            var fullestFirst = bufferOrder.Select((g, i) => (g, i)).OrderByDescending(t => buffers[t.g].Count).ThenBy(t => t.i).Select(t => t.g).ToList();
            foreach (int g in fullestFirst)
            {
                var buffer = buffers[g];
                buffer.AddRange(seen[g].Take(batchSize - buffer.Count));
                batches.Add(buffer.ToArray());
                if (--remaining == 0) break;
            }
        }
        return batches;
    }
}
