namespace TextureBias.Comparison;

/// <summary>
/// Draws pairs of non-overlapping square patches inside an image, spread evenly over gap bins: each bin that the image can
/// hold gets the same number of pairs (±1). Within a bin the gap is uniform over the bin's gaps the image can hold; the two
/// patches are offset by side + gap along a random axis that has room, and by a uniform amount no larger along the other,
/// and the pair is placed uniformly among the positions where both fit.
/// </summary>
public static class PatchPairSampler
{
    /// <summary>The largest gap two patches of side <paramref name="size"/> can have in a <paramref name="width"/>×<paramref name="height"/> image (negative: not even two touching patches fit).</summary>
    public static int MaxGap(int width, int height, int size) => Math.Max(width, height) - 2 * size;

    /// <summary>The bin of <paramref name="gap"/> among <paramref name="edges"/> (bin b holds gaps in [edges[b], edges[b+1]), the last one all from its edge up), or −1 below the first edge.</summary>
    public static int BinOf(int gap, IReadOnlyList<int> edges)
    {
        int bin = -1;
        for (int b = 0; b < edges.Count; b++) if (gap >= edges[b]) bin = b;
        return bin;
    }

    /// <summary>
    /// <paramref name="pairs"/> pairs of patches of side <paramref name="size"/> in a <paramref name="width"/>×<paramref name="height"/>
    /// image, each with its bin, spread over the bins the image can hold (<paramref name="rotate"/> shifts which bins get the
    /// extra pairs when they do not divide evenly, so that over many images every bin gets about the same number).
    /// </summary>
    /// <exception cref="TextureBiasException">Two patches of this side do not fit side by side, or no bin's gaps fit.</exception>
    public static List<(PatchPair Pair, int Bin)> Sample(int width, int height, int size, IReadOnlyList<int> edges, int pairs, Random rng, int rotate = 0)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size));
        int maxGap = MaxGap(width, height, size);
        if (maxGap < 0) throw new TextureBiasException($"two {size}×{size} patches do not fit side by side in a {width}×{height} image");
        var feasible = Enumerable.Range(0, edges.Count).Where(b => edges[b] <= maxGap).ToList();
        if (feasible.Count == 0) throw new TextureBiasException($"no gap bin fits a {width}×{height} image with {size}×{size} patches (largest gap {maxGap} pixels, first bin from {edges[0]})");
        var result = new List<(PatchPair, int)>(pairs);
        for (int i = 0; i < pairs; i++)
        {
            int bin = feasible[(i + rotate) % feasible.Count];
            int low = edges[bin], high = bin + 1 < edges.Count ? Math.Min(edges[bin + 1] - 1, maxGap) : maxGap;
            int gap = rng.Next(low, high + 1);
            result.Add((Draw(width, height, size, gap, rng), bin));
        }
        return result;
    }

    static PatchPair Draw(int width, int height, int size, int gap, Random rng)
    {
        int d = size + gap;
        bool xFits = d <= width - size, yFits = d <= height - size;
        bool alongX = xFits && (!yFits || rng.Next(2) == 0);
        int mainRoom = (alongX ? width : height) - size, otherRoom = (alongX ? height : width) - size;
        int main = rng.Next(2) == 0 ? d : -d;
        int spread = Math.Min(d, otherRoom);
        int other = rng.Next(-spread, spread + 1);
        int p1 = rng.Next(Math.Max(0, -main), mainRoom - Math.Max(0, main) + 1);
        int p2 = rng.Next(Math.Max(0, -other), otherRoom - Math.Max(0, other) + 1);
        return alongX ? new PatchPair(p1, p2, p1 + main, p2 + other, size) : new PatchPair(p2, p1, p2 + other, p1 + main, size);
    }
}
