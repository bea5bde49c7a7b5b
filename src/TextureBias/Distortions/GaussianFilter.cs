using TextureBias.Data;

namespace TextureBias.Distortions;

/// <summary>
/// <c>scipy.ndimage.gaussian_filter(image, sigma, mode='constant', cval=c)</c> (truncate 4.0) on a grey
/// plane: the 1-D kernel of radius <c>int(4·σ + 0.5)</c>, normalised, correlated along the rows axis
/// (axis 0) and then the columns axis (axis 1), values outside the image taken as <c>c</c>.
/// </summary>
public static class GaussianFilter
{
    /// <summary>scipy's default truncation (kernel radius in standard deviations).</summary>
    public const double Truncate = 4.0;

    /// <summary>scipy's <c>_gaussian_kernel1d(sigma, 0, radius)</c>.</summary>
    public static double[] Kernel(double sigma)
    {
        int radius = (int)(Truncate * sigma + 0.5);
        double f = -0.5 / (sigma * sigma);
        var k = new double[2 * radius + 1];
        for (int i = 0; i < k.Length; i++)
        {
            double x = i - radius;
            k[i] = Math.Exp(f * (x * x));
        }
        double sum = NumpySum.Of(k);
        for (int i = 0; i < k.Length; i++) k[i] /= sum;
        return k;
    }

    /// <summary>The filtered plane (a new array); σ ≤ 1e-15 returns a copy, as scipy does.</summary>
    public static double[] Apply(double[] plane, int width, int height, double sigma, double cval)
    {
        if (!(sigma > 1e-15)) return (double[])plane.Clone();
        if (!double.IsFinite(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "a finite standard deviation");
        var k = Kernel(sigma);
        int r = k.Length / 2;
        var tmp = new double[plane.Length];
        var line = new double[Math.Max(width, height) + 2 * r];
        // axis 0: along each column
        for (int x = 0; x < width; x++)
        {
            Fill(line, r, height, cval);
            for (int y = 0; y < height; y++) line[r + y] = plane[y * width + x];
            for (int y = 0; y < height; y++) tmp[y * width + x] = Correlate(line, r + y, k, r);
        }
        var output = new double[plane.Length];
        for (int y = 0; y < height; y++)
        {
            Fill(line, r, width, cval);
            Array.Copy(tmp, y * width, line, r, width);
            for (int x = 0; x < width; x++) output[y * width + x] = Correlate(line, r + x, k, r);
        }
        return output;
    }

    static void Fill(double[] line, int r, int n, double cval)
    {
        Array.Fill(line, cval, 0, r);
        Array.Fill(line, cval, r + n, r);
    }

    // scipy's NI_Correlate1D for a symmetric kernel: centre first, then the outermost pair inwards.
    static double Correlate(double[] line, int c, double[] k, int r)
    {
        double t = line[c] * k[r];
        for (int j = -r; j < 0; j++) t += (line[c + j] + line[c - j]) * k[r + j];
        return t;
    }
}
