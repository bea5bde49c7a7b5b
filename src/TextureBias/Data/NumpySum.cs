using TextureBias.Data;

namespace TextureBias.Data;

/// <summary>numpy's pairwise summation of a contiguous float64 array (<c>np.sum</c>, <c>np.mean</c>), for bit-equal results.</summary>
public static class NumpySum
{
    /// <summary>The sum of <paramref name="a"/> in numpy's order.</summary>
    public static double Of(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = 0.0;
            for (int i = 0; i < n; i++) res += a[i];
            return res;
        }
        if (n <= 128)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i;
            for (i = 8; i < n - (n % 8); i += 8)
            {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) res += a[i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return Of(a[..n2]) + Of(a[n2..]);
    }

    /// <summary><c>np.mean</c> of the whole array.</summary>
    public static double Mean(ReadOnlySpan<double> a) => Of(a) / a.Length;
}
