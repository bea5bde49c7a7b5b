namespace TextureBias.Distortions;

/// <summary>
/// The Eidolon toolbox's displacement noise (<c>noise.py</c>): Gaussian planes drawn row-major from a source of
/// standard normals (numpy's <c>np.random.normal(0, 1, (h, w))</c>), scaled to ±127.5 by their largest magnitude and
/// clipped to ±127 (<c>randomGaussianDataPlane</c>), blurred, then shifted by mean/std
/// (<c>blurredRandomGaussianDataPlane</c> returns <c>c - m/v</c>, not <c>(c - m)/v</c>: a quirk of the toolbox,
/// kept for parity).
/// </summary>
internal static class EidolonNoise
{
    /// <summary>A raw plane: <paramref name="count"/> normals, ×127.5/max|·|, clipped to [−127, 127].</summary>
    public static double[] RandomPlane(int count, Func<double> standardNormal) =>
        FillRandomPlane(new double[count], standardNormal);

    /// <summary><see cref="RandomPlane"/> into <paramref name="data"/> (its whole length), which is returned.</summary>
    public static double[] FillRandomPlane(double[] data, Func<double> standardNormal)
    {
        int count = data.Length;
        double max = 0;
        for (int i = 0; i < count; i++)
        {
            data[i] = standardNormal();
            max = Math.Max(max, Math.Abs(data[i]));
        }
        for (int i = 0; i < count; i++)
        {
            double v = 127.5 * data[i] / max;
            data[i] = v < -127 ? -127 : v > 127 ? 127 : v;
        }
        return data;
    }

    /// <summary>Blurs two raw planes with the same sigma and applies the toolbox's <c>c - mean/std</c> to each, in place.</summary>
    public static void BlurPair(EidolonScaleSpace scaleSpace, double[] a, double[] b, double sigma)
    {
        scaleSpace.BlurPairInPlace(a, b, sigma);
        ShiftByMeanOverStd(a);
        ShiftByMeanOverStd(b);
    }

    /// <summary>Multiplies a plane in place by <paramref name="factor"/>.</summary>
    public static void Scale(double[] plane, double factor)
    {
        for (int i = 0; i < plane.Length; i++) plane[i] *= factor;
    }

    private static void ShiftByMeanOverStd(double[] c)
    {
        double mean = Mean(c);
        double sq = 0;
        for (int i = 0; i < c.Length; i++)
        {
            double d = c[i] - mean;
            sq += d * d;
        }
        double std = Math.Sqrt(sq / c.Length);
        double shift = mean / std;
        for (int i = 0; i < c.Length; i++) c[i] -= shift;
    }

    private static double Mean(double[] c)
    {
        double sum = 0;
        for (int i = 0; i < c.Length; i++) sum += c[i];
        return sum / c.Length;
    }
}
