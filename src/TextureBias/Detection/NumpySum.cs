namespace TextureBias.Detection;

/// <summary>numpy's <c>np.sum</c>/<c>np.mean</c> of a contiguous float64 array: its pairwise summation (blocks of up to 128 summed in 8 lanes).</summary>
internal static class NumpySum
{
    public static double Mean(IReadOnlyList<double> a) => a.Count == 0 ? double.NaN : Sum(a, 0, a.Count) / a.Count;

    public static double Sum(IReadOnlyList<double> a, int start, int n)
    {
        if (n < 8)
        {
            double res = 0;
            for (int i = 0; i < n; i++)
                res += a[start + i];
            return res;
        }
        if (n <= 128)
        {
            var r = new double[8];
            for (int j = 0; j < 8; j++)
                r[j] = a[start + j];
            int i = 8;
            for (; i < n - n % 8; i += 8)
                for (int j = 0; j < 8; j++)
                    r[j] += a[start + i + j];
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++)
                res += a[start + i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return Sum(a, start, n2) + Sum(a, start + n2, n - n2);
    }
}
