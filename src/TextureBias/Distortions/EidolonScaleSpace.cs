namespace TextureBias.Distortions;

/// <summary>
/// The Eidolon toolbox's Gaussian blur (<c>scalespaces.Convolution</c> with derivative orders 0):
/// a separable Gaussian kernel laid out with wrap-around offsets (0…h/2, then −(h/2−1)…−1), and a
/// convolution done as ONE circular 1-D convolution of the row-major flattened plane with the flattened
/// kernel (the toolbox's <c>irfft(rfft(plane.flatten()) * rfft(kernel.flatten()))</c>). That is not a
/// 2-D circular convolution: a column offset that wraps also shifts the row by one. It is ported as is,
/// because the output must equal the toolbox's.
/// </summary>
internal sealed class EidolonScaleSpace
{
    private readonly int _width;
    private readonly int _height;
    private readonly EidolonFft _fft;
    private readonly Dictionary<double, (double[] Re, double[] Im)> _kernelSpectra = new();

    /// <summary>Blurs planes of <paramref name="width"/> × <paramref name="height"/> (both powers of two).</summary>
    public EidolonScaleSpace(int width, int height)
    {
        _width = width;
        _height = height;
        _fft = new EidolonFft(checked(width * height));
    }

    /// <summary>The toolbox's kernel <c>Kernel(0, 0, w, h, sigma)</c>, row-major h × w.</summary>
    public static double[] Kernel(int width, int height, double sigma)
    {
        double[] column = Gaussian1D(height, sigma);
        double[] row = Gaussian1D(width, sigma);
        var kernel = new double[width * height];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                kernel[r * width + c] = row[c] * column[r];
        return kernel;
    }

    // Offsets 0, 1, …, n/2, then n/2−n+1, …, −1 (Python's range(n/2+1) + range(n/2−n+1, 0)).
    private static double[] Gaussian1D(int n, double sigma)
    {
        var g = new double[n];
        double norm = Math.Sqrt(2 * Math.PI) * sigma;
        double twoSigma2 = 2.0 * (sigma * sigma);
        for (int i = 0; i < n; i++)
        {
            int v = i <= n / 2 ? i : i - n;
            g[i] = Math.Exp(-(double)(v * v) / twoSigma2) / norm;
        }
        return g;
    }

    /// <summary>
    /// Blurs two planes with the same kernel in one complex transform (the kernel is real, so the real and
    /// imaginary parts of conv(a + i·b) are conv(a) and conv(b)). Results are written back into the inputs.
    /// </summary>
    public void BlurPairInPlace(double[] a, double[] b, double sigma)
    {
        _fft.Transform(a, b, inverse: false);
        MultiplyAndInvert(a, b, sigma);
    }

    /// <summary>The spectrum of <paramref name="plane"/> (for blurring one plane at many scales).</summary>
    public (double[] Re, double[] Im) Spectrum(double[] plane)
    {
        var re = (double[])plane.Clone();
        var im = new double[plane.Length];
        _fft.Transform(re, im, inverse: false);
        return (re, im);
    }

    /// <summary>
    /// Blurs a plane given by its <see cref="Spectrum"/> (left unchanged) into <paramref name="re"/>, using
    /// <paramref name="im"/> as scratch; returns <paramref name="re"/>.
    /// </summary>
    public double[] BlurSpectrum((double[] Re, double[] Im) spectrum, double sigma, double[] re, double[] im)
    {
        Array.Copy(spectrum.Re, re, re.Length);
        Array.Copy(spectrum.Im, im, im.Length);
        MultiplyAndInvert(re, im, sigma);
        return re;
    }

    // Multiplies the spectrum (in place) by the kernel's, inverts and scales by 1/N.
    private void MultiplyAndInvert(double[] re, double[] im, double sigma)
    {
        var (kr, ki) = KernelSpectrum(sigma);
        int n = re.Length;
        for (int i = 0; i < n; i++)
        {
            double r = re[i] * kr[i] - im[i] * ki[i];
            double m = re[i] * ki[i] + im[i] * kr[i];
            re[i] = r;
            im[i] = m;
        }
        _fft.Transform(re, im, inverse: true);
        double scale = 1.0 / n;
        for (int i = 0; i < n; i++)
        {
            re[i] *= scale;
            im[i] *= scale;
        }
    }

    private (double[] Re, double[] Im) KernelSpectrum(double sigma)
    {
        if (_kernelSpectra.TryGetValue(sigma, out var cached)) return cached;
        var re = Kernel(_width, _height, sigma);
        var im = new double[re.Length];
        _fft.Transform(re, im, inverse: false);
        _kernelSpectra[sigma] = (re, im);
        return (re, im);
    }
}
