namespace TextureBias.Comparison;

/// <summary>Two square patches of side <paramref name="Size"/> with top-left corners (<paramref name="Px"/>, <paramref name="Py"/>) and (<paramref name="Qx"/>, <paramref name="Qy"/>), in input pixels.</summary>
/// <param name="Px">Left column of the first patch.</param>
/// <param name="Py">Top row of the first patch.</param>
/// <param name="Qx">Left column of the second patch.</param>
/// <param name="Qy">Top row of the second patch.</param>
/// <param name="Size">The side of both patches.</param>
public sealed record PatchPair(int Px, int Py, int Qx, int Qy, int Size)
{
    /// <summary>
    /// The gap between the squares: the number of pixel columns or rows strictly between them along the axis where they are
    /// farther apart (max of the horizontal and vertical gaps; the Chebyshev distance between the squares). 0 when they touch,
    /// negative when they overlap. A k×k window can hold pixels of both squares exactly when the gap is at most k − 2.
    /// </summary>
    public int Gap => Math.Max(Math.Abs(Px - Qx), Math.Abs(Py - Qy)) - Size;
}
